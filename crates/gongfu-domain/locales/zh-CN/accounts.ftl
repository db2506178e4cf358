# accounts
## Refusals (who, what, whose, what to do).
denied-role = { $actor }（{ $role }）无权{ $action }；请由{ $roles }操作
denied-not-theirs = { $actor } 只能修改{ $mine }负责的内容；{ $what }由{ $owners }负责，请联系该部门或管理员
denied-no-department = 未指定部门
denied-department-added = { $actor } 不能在{ $what }中增加其他部门：{ $departments }；涉及其他部门的调整请由管理员提出
denied-department-removed = { $actor } 不能从{ $what }中移除其他部门：{ $departments }；涉及其他部门的调整请由管理员提出
denied-not-owner = { $actor } 不是{ $what }的创建人（{ $owner }）；只有创建人或管理员可以撤回
## Accounts and logging in.
username-length = 用户名“{ $name }”应为 3 到 32 个字符
username-bad-char = 用户名“{ $name }”含有“{ $char }”；只能使用字母、数字和 . _ -
login-bad-credentials = 用户名或密码错误
login-throttled = 登录失败次数过多，请 { $minutes } 分钟后再试
login-locked = 该账号因连续输错密码已暂时锁定，请 { $minutes } 分钟后再试，或请管理员解除锁定
account-unknown = 没有名为 { $name } 的账号；命令 gongfu user list 列出全部账号
password-too-short = 密码至少需要 8 个字符
editor-needs-department = 部门编辑账号至少需要一个部门；请填写清单使用的部门简称，例如 区卫生健康局（账号 { $name }）
account-self-disable = 不能停用自己正在使用的账号；如确需停用，请由另一位管理员操作
account-done-disable = 已停用，其登录会话已全部结束
account-done-enable = 已启用
account-done-reset = 密码已重置，其登录会话已全部结束
account-done-logout-all = 的登录会话已全部结束
account-done-unlock = 已解除锁定
