-- The department that runs a service point (主管部门): editors of that department maintain
-- it, nobody else but an administrator. Points stored before have none, so they stay with
-- the administrator until a file names their department.
ALTER TABLE service_points ADD COLUMN department TEXT;
