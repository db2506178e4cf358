# common
## Shared by every capability.
not-found = 未找到{ $what }“{ $key }”
region-code-format = 区划代码“{ $code }”应为 12 位数字（6 位行政区划代码会在末尾补零）
region-code-gap = 区划代码“{ $code }”的{ $part }部分不为零，但其上级部分为零；每一级的数字都需要其上各级的数字
coord-out-of-range = 纬度 { $lat }、经度 { $lng } 不是地球上的位置：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间
coord-swapped = 纬度 { $lat }、经度 { $lng } 似乎填反了：我国纬度在 18 到 54 之间，经度在 73 到 135 之间；请把较大的数填在经度列
## Request parameters (pages and API alike).
param-not-number = “{ $value }”不是数字
param-not-flag = “{ $value }”不是“是/否”的取值；请用 true 或 false
param-page = 页码从 1 开始
param-per-page = 每页条数 { $value } 超出范围；请填写 1 到 { $max }
param-local-time = “{ $value }”不是时间；请写成 2026-10-01T10:30 的形式
param-target = “{ $value }”既不是设施类型也不是领域；请用 type:设施类型代码 或 area:领域名称
param-search-kind = 没有“{ $value }”这种结果类型；请用 item（事项）、standard（标准）、guide（办事指南）或 point（服务点），不填表示全部
query-invalid = 请求参数{ $field }有误：{ $reason }
## Forms and uploads on the pages.
form-csrf = 表单的安全校验码与当前登录不符；请刷新页面后重新提交
form-unreadable = 表单无法读取：{ $reason }；请更正后重新提交
body-too-large = 上传的内容超过了此处允许的大小；请拆分后分别上传
body-wrong-type = 上传的内容类型不受支持；请从本站页面提交
body-unreadable = 上传的内容无法读取；请从本站页面重新提交
guide-missing = 事项 { $code } 还没有办事指南；请查看事项页面 /items/{ $code }
system-node-missing = 标准体系中没有节点“{ $node }”
decision-missing = 请选择“同意”或“不同意”
version-not-number = “{ $value }”不是版本号
item-not-in-version = 事项 { $code } 不在{ $label }（第{ $number }版）中
compare-versions-missing = 请选择要对比的两个版本：{ $which }未选择或不是版本号
thing-version = 清单版本
thing-adjustment = 动态调整
thing-proposal = 调整建议
thing-region = 区划
thing-item = 事项
thing-standard = 标准
thing-text = 文本
thing-service-point = 服务点
thing-population = 测算人口
thing-affordability-run = 承受能力测算
thing-life-event = 人生事件
thing-answers = 保存的回答
## API sessions and parameters.
api-login-needed = 请先登录：用 POST /api/v1/session 登录，并在之后的请求中带上它设置的 Cookie
api-csrf = 安全校验失败：请在 X-CSRF-Token 请求头中带上登录时返回的 csrf_token
login-cross-site = 来自其他网站页面的登录请求已拒绝；请在本站登录
param-date = “{ $value }”不是 1900 至 2199 年之间的日期；请写成 YYYY-MM-DD
param-unknown = 请求参数有误：GET { $route } 不支持查询参数「{ $name }」；{ $takes }。请删去或改正该参数后重试。
param-unknown-takes-none = 该接口不接受任何查询参数
param-unknown-takes = 可用的查询参数：{ $names }
