-- 下次复审日期: the date the office scheduled a standard's next review for, kept apart from
-- 上次复审日期 (reviewed_on). A single 复审日期 column was read as the last review and five
-- years added, so a due date entered there never showed as overdue. Standards stored before
-- have none and keep the computed due date.
ALTER TABLE standards ADD COLUMN next_review_on TEXT;
