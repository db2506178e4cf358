# imports
## Where an import error is, and reading files.
import-at-file = 文件「{ $file }」
import-at-sheet = 工作表「{ $sheet }」
import-at-row = 第 { $row } 行
import-at-column = ，列 { $column }
import-failed = 「{ $file }」导入失败，共 { $count } 处错误，没有导入任何数据：
import-no-header = 前 20 行中没有找到表头行；文件需要一行列名，例如 领域、大类、服务项目、服务对象
import-bad-csv = 不是有效的 CSV（{ $reason }）；请检查这一行的引号
import-no-sheets = 工作簿中没有工作表
import-needs-columns = 此文件需要以下列：{ $needs }
import-bad-workbook = 无法读取工作簿（{ $reason }）；请用 Excel 或 WPS 另存为 .xlsx 后重试
import-bad-sheet = 无法读取该工作表（{ $reason }）；请用 Excel 或 WPS 另存为 .xlsx 后重试
import-bad-ods = 无法读取工作簿：content.xml 不是有效的 XML（{ $reason }）；请用 LibreOffice、Excel 或 WPS 重新保存后重试
## The service list's files.
import-column-repeated = 列“{ $header }”与 { $column } 列（{ $canonical }）重复；请只保留一列
import-column-unknown = 无法识别的列“{ $header }”；请改为以下列名之一，或删除该列（不会悄悄忽略任何列）：{ $known }
import-code-or-seq = { $message }；或填写序号，由大类和序号生成编码
import-bad-json = 不是有效的 JSON（{ $reason }）
import-json-no-items = 没有“items”数组；清单文件的格式为 {"{"}"taxonomy": {"{"}…{"}"}, "items": [{"{"}"code": …, "name": …{"}"}]{"}"}
import-json-not-object = 第 { $index } 个事项不是对象
taxonomy-no-header = 没有包含“领域”和“大类”（以及“领域编号”“大类编号”）的表头行
taxonomy-missing-column = 缺少“{ $column }”列；分类文件需要 领域编号、领域、大类编号、大类 四列
taxonomy-not-number = 不是数字；请填写 1、2、3……（领域也可写 一、二、三）
taxonomy-area-renamed = 第 { $no } 个领域在前面的行中是“{ $earlier }”，这里却是“{ $here }”
text-layout-field-twice = 事项（{ $seq }）{ $name }中“{ $field }”出现了两次（第一次在第 { $prev } 行）；请只保留一处
text-layout-no-area = 没有找到领域标题，例如“一、幼有所育”；文本格式的每个领域以中文数字加“、”开头
text-layout-no-item = 在大类标题（例如“1.优孕优生服务”）下没有找到事项标题，例如“(1)农村免费孕前优生健康检查”
## Regions, populations, departments.
region-twice = 区划 { $code }（自 { $from } 起）出现了两次
region-no-parent = 区划 { $code }（{ $name }）的上级 { $parent } 不在文件中；请添加上级区划的行
region-unknown = 区划 { $code } 不存在；请先导入该区划
population-not-count = “{ $value }”不是人数
department-short-empty = 简称为空；清单用简称指称部门
department-short-twice = 简称 { $short } 出现了两次
## What the command line says after an import.
cli-error = 错误：{ $error }
cli-format-unknown = 无法识别的格式“{ $value }”；可用：{ $formats }
cli-list-imported = 「{ $file }」：新增 { $added } 项，修改 { $modified } 项，取消 { $retired } 项{ $taxonomy }
cli-taxonomy-changed = ，领域或大类有变化
cli-published = 已发布第 { $version } 版
cli-adjustment-opened = 已发起调整 { $id } 待审议；请在 /admin 批准，或加 --publish 重新导入
cli-rows-imported = 「{ $file }」：导入 { $count } { $what }
cli-added-replaced = 「{ $file }」：新增{ $what } { $added } 项，替换 { $replaced } 项
cli-tree-imported = 「{ $file }」：标准体系现有 { $count } 个节点
cli-text-imported = 「{ $file }」：已导入为 { $key } 的文本
cli-population-imported = 「{ $file }」：已导入为测算人口 { $id }
