# accounts
## Refusals (who, what, whose, what to do).
denied-role = { $actor }（{ $role }）无权{ $action }；请由{ $roles }操作
denied-not-theirs = { $actor } 只能修改{ $mine }负责的内容；{ $what }由{ $owners }负责，请联系该部门或管理员
denied-no-department = 未指定部门
denied-department-added = { $actor } 不能在{ $what }中增加其他部门：{ $departments }；涉及其他部门的调整请由管理员提出
denied-department-removed = { $actor } 不能从{ $what }中移除其他部门：{ $departments }；涉及其他部门的调整请由管理员提出
denied-not-owner = { $actor } 不是{ $what }的创建人（{ $owner }）；只有创建人或管理员可以撤回
