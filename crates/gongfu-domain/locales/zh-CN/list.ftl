# list
## The service list: taxonomy, items, list rules.
taxonomy-duplicate-area = 领域“{ $area }”出现了两次；每个领域的编号和名称只能用一次
taxonomy-duplicate-category = 大类“{ $category }”出现了两次；大类跨领域连续编号，每个编号和名称只能用一次
taxonomy-unknown-area = 大类“{ $category }”属于第 { $area_no } 个领域，但该领域不存在；请先添加该领域
taxonomy-empty-name = 有领域或大类的名称为空
item-code-empty = 编码为空；每个事项都需要编码，例如 N2001 或 L0101
item-code-too-long = 编码“{ $code }”超过 32 个字符
item-code-bad-char = 编码“{ $code }”含有字符“{ $char }”；编码只能使用字母、数字和 - _ .
department-empty = 部门名称为空
department-too-long = 部门名称“{ $name }”超过 64 个字
item-name-empty = 服务项目为空；每个事项都需要名称
item-category-empty = 大类为空；请填写清单中的一个大类
item-category-unknown = 没有名为“{ $name }”的大类；已有大类：{ $known }
item-area-unknown = 没有名为“{ $name }”的领域；已有领域：{ $known }
item-category-wrong-area = 大类“{ $category }”属于领域“{ $owner }”，不属于“{ $area }”
item-seq-not-number = 序号“{ $seq }”不是数字
item-required-empty = { $label }为空；清单中每个事项都要写明{ $label }
item-expenditure-empty = 支出责任为空；请填写，例如：地方财政承担支出责任
item-departments-empty = 牵头负责单位为空；至少填写一个部门，多个部门用“、”分隔
item-featured-not-bool = “{ $value }”不是“是”或“否”；请填写 是 或 否
item-relation-without-base = 填写了基准关系，但基准事项编码为空；请填写本事项落实或提标的国家事项编码
item-national-has-base = 国家事项没有基准事项；只有地方事项才填写所落实或提标的国家事项编码
value-unknown = “{ $value }”不是可用的取值；可填：{ $expected }
list-duplicate-code = 编码 { $code } 被多个事项使用（第 { $first } 个和第 { $second } 个事项）；请为每个事项使用不同的编码
list-unknown-base = 事项 { $code } 的基准事项编码 { $base } 不是本清单中的国家事项；请填写国家事项的编码，或留空
