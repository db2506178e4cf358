# standards
## Standard numbers (GB/T 1.1, sector, local, group, enterprise, internal norms).
number-empty = 标准编号为空：请按“代号 顺序号-年号”填写，例如 GB/T 1.1-2020
number-unknown-code = “{ $input }”中的代号“{ $code }”无法识别：应为 GB、GB/T、GB/Z，行业代号（如 MZ/T、WS/T），DB 加省或市代码（DB44/T、DB4403/T），T/ 加团体代号，或 Q/ 加企业代号{ $internal }{ $hint }
number-internal-none = ；若是本区的内部规范，请先用启动参数 --internal-norm-patterns（或设置项 internal_norm_patterns）登记其编号格式，例如 { $example }
number-internal-known = ，或本区内部规范（编号格式：{ $patterns }）
number-hint-gbt = ；是否应为 GB/T？
number-hint-db = ；DB 后应紧跟省或市代码，例如 DB44/T
number-bad-suffix = “{ $input }”中的代号后缀“{ $suffix }”不是 /T（推荐性）或 /Z（指导性）；强制性标准不写后缀
number-bad-region = “{ $input }”中 DB 后的地区代码“{ $digits }”{ $why }
number-region-county = 是县区代码：地方标准由省（DB44）和设区的市（DB4403）发布；本区自己的规范请作为内部规范登记
number-region-length = 应为 2 位省级代码（DB44/T）或 4 位市级代码（DB4403/T），其后空一格再写顺序号
number-region-province = 开头不是 GB/T 2260 中的省级代码（11 北京 …… 44 广东 …… 65 新疆）
number-region-no-city = 没有指明城市：城市部分为 00；请只写省级代码（DB44/T）
number-missing-org = “{ $input }”中的“{ $prefix }”后应写{ $what }代号，例如 { $example }
number-missing-number = “{ $input }”中代号“{ $code }”后没有顺序号：请写成“{ $code } 顺序号-年号”，例如 { $code } 1-2020
number-bad-number = “{ $input }”中的顺序号“{ $number }”格式有误：请只写数字，分部分用点号（如 300.1），年号前不要有其他内容
number-bad-year = “{ $input }”中的年号“{ $year }”不是年份：请在短横线后写 { $min } 到 { $max } 之间的四位数字，例如 -2020
number-trailing = 标准编号“{ $input }”后多出“{ $rest }”：请删去（标准名称填在单独的栏目中）
## Standard texts and guides (.docx, Markdown) and where a finding is.
text-not-utf8 = 文件不是 UTF-8 编码的文本（第 { $offset } 个字节）；请另存为 UTF-8，或上传 .docx
docx-not-zip = 无法读取该 .docx：它不是 zip 压缩包（每个 .docx 都是，{ $reason }）；请在 Word 或 WPS 中打开并另存为 .docx
docx-legacy = 这是旧版 Word .doc 文件或设了密码的 .docx，无法读取；请取消密码，或在 Word 或 WPS 中打开并另存为 .docx
docx-encrypted = 无法读取该 .docx：{ $part } 已加密；请在 Word 或 WPS 中取消密码后重新保存
docx-no-document = 无法读取该 .docx：压缩包中没有 word/document.xml，不是 Word 文档；请在 Word 或 WPS 中打开并另存为 .docx
docx-too-large = 无法读取该 .docx：{ $part } 解压后超过 { $limit } 字节（一份标准通常只需几 MB）；请删除嵌入的内容，或拆分文档
docx-bad-xml = 无法读取该 .docx：{ $part } 在第 { $position } 个字节附近不是格式正确的 XML（{ $reason }）；请在 Word 或 WPS 中打开并另存为 .docx
docx-unreadable = 无法读取该 .docx（{ $reason }）；请在 Word 或 WPS 中打开并另存为 .docx
text-at-line = 第 { $line } 行
text-at-chapter = 第 { $no } 章
text-at-clause = 第 { $no } 条
docx-not-unicode = { $part } 不是 UTF-8 或 UTF-16 编码的文本
