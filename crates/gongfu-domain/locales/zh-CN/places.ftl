# places
## Boundaries and polygons.
polygon-outer-ring = 外环（环 0）
polygon-hole = 第 { $k } 个洞（环 { $k }）
polygon-too-few-vertices = { $ring }只有 { $count } 个不同的顶点；多边形的每个环至少需要 3 个顶点（加上闭合的末位置共 4 个）
polygon-not-closed = { $ring }没有闭合：最后一个位置应与第一个位置相同（GeoJSON，RFC 7946 第 3.1.6 节）
polygon-coordinate = { $ring }第 { $index } 个位置：{ $reason }
polygon-self-intersection = 边界在纬度 { $lat }、经度 { $lng } 附近自相交（{ $ring_a }第 { $edge_a } 条边与{ $ring_b }第 { $edge_b } 条边相交）；请在 GIS 中修正边界（QGIS：矢量 > 几何工具 > 检查有效性）后重新导入
polygon-hole-outside = { $ring }位于外环之外
polygon-empty = 边界围成的面积为零
polygon-ring-too-large = { $ring }有 { $count } 个顶点（含闭合的末位置），超过每个环 { $max } 个的上限；请先在 GIS 中简化边界（QGIS：矢量 > 几何工具 > 简化，容差 0.00001 度，约 1 米），再重新导入
polygon-too-many-vertices = 边界的所有环（多部分边界的所有部分）合计 { $count } 个顶点（含各环闭合的末位置），超过每条边界 { $max } 个的上限；请先在 GIS 中简化边界（QGIS：矢量 > 几何工具 > 简化，容差 0.00001 度，约 1 米），或删去不需要的小岛和洞，再重新导入
## Service points and residential sites, row by row.
coord-system-unknown = 坐标系“{ $value }”无法识别：请填写 wgs84（GPS）、gcj02（高德、腾讯）或 bd09（百度）
point-status-unknown = 状态“{ $value }”无法识别；请填写 正常、暂停 或 停用
point-lat-empty = 为空；请以十进制度数填写纬度，例如 22.5431
point-lng-empty = 为空；请以十进制度数填写经度，例如 114.0579
point-degrees-not-number = “{ $value }”不是数字；请以十进制度数填写，例如 { $example }
point-outside-district = 位置 { $lat }, { $lng }（{ $system }）在本区范围（{ $bounds }）之外；请核对数字、纬度和经度是否填在各自的列，以及坐标系列
point-community-level = { $code } 是{ $level }代码，不是社区代码；请填写社区的 12 位代码，或留空
point-community-unknown = 社区 { $code } 不是本区现有的社区；请先导入区划，或更正代码
point-community-mismatch = 填写的是 { $given }，但该位置位于 { $code } { $name }；请更正坐标，或把所属社区留空，由边界自动判断
place-code-empty = 为空；每个{ $what }都需要在本区唯一的编码，例如 SP00001
place-code-bad = “{ $code }”不能用作编码：最多 64 个字符，且不能含控制字符
place-name-empty = 为空；每个地点都需要名称
text-too-long = 超过 { $max } 个字
place-number-range = “{ $value }”不是 0 到 { $max } 之间的数；不清楚时请留空
place-not-whole = “{ $value }”不是整数
point-type-empty = 为空；请填写以下之一：{ $expected }
point-type-unknown = 设施类型“{ $value }”无法识别；请填写以下之一：{ $expected }（或先在设施分类中添加该类型）
point-item-unknown = 事项 { $code } 不在最新版清单中；请核对编码（清单页面或 GET /api/v1/items 可查）
site-population-bad = “{ $value }”不是 0 到 1000000 之间的居民人数
## Opening hours.
hours-error = 开放时间“{ $input }”：{ $message }；请按“周一至周五 8:30-17:30；周六 9:00-12:00；节假日休息”的格式填写
hours-empty = 为空
hours-not-range = “{ $part }”不是时间段，应如 08:30-12:00
hours-not-time = “{ $value }”不是钟点（时:分，00:00 至 24:00）
hours-closes-before-opening = “{ $part }”的结束时间早于开始时间；跨午夜的时段请分两段写：22:00-24:00 和次日 00:00-02:00
hours-overlap = “{ $value }”中的时间段相互重叠
hours-no-times = “{ $rule }”没有写时间：请填写如 08:30-17:30 的时段，或“休息”
hours-not-day = “{ $value }”不是星期：请用 周一……周日、周一至周五、工作日、周末、每天 或 节假日（也可用 Mo-Fr 等）
## Service point, site and boundary files.
places-column-unknown = 无法识别的列“{ $header }”；此文件可用的列：{ $known }
places-code-twice = { $what }编码“{ $code }”重复使用（第一次在第 { $first } 行）；编码必须唯一
places-file-empty = 文件中没有{ $what }；请在表头下每行填写一个{ $what }
geojson-bad-json = 不是有效的 JSON（{ $reason }）；GeoJSON 文件应为 FeatureCollection
geojson-bad-type = GeoJSON 类型为“{ $value }”；请提供由 Feature 组成的 FeatureCollection
geojson-property-unknown = 第 { $n } 个要素：无法识别的属性“{ $property }”；服务点可用的属性：{ $known }
geojson-not-point = 第 { $n } 个要素：几何类型应为 Point，坐标为 [经度, 纬度]
geojson-feature = 第 { $n } 个要素：{ $message }
boundary-region-unknown = 区划 { $code } 不是本区现有的区划；请先导入区划，或更正代码
boundary-region-level = { $code } 是{ $level }代码；边界只用于本区、街道和社区
boundary-no-code = 没有 properties.code；请填写该区划的 12 位统计用区划代码
boundary-not-polygon = 几何类型应为 Polygon 或 MultiPolygon，坐标为 [经度, 纬度]
boundary-part = 第 { $k } 部分
boundary-no-polygons = 几何中没有多边形
boundary-twice = 区划 { $code } 已有边界（第 { $first } 个要素）；每个区划只能有一个要素，多个部分请用 MultiPolygon
