/**
 * The API's enums in words, Vietnamese first and English after (pure: no DOM). One wording for the whole page: the
 * tree, the summary and every panel read their labels here.
 */

/** [Vietnamese, English] per enum value. */
type Labels = Record<string, readonly [string, string]>;

export const LEVELS: Labels = {
  CENTRAL_COMMITTEE: ['Trung ương', 'Central Committee'],
  DIRECTLY_UNDER_CENTRAL: ['Trực thuộc Trung ương', 'Directly under the Centre'],
  ABOVE_BASE: ['Cấp trên cơ sở', 'Above base'],
  BASE_COMMITTEE: ['Đảng bộ cơ sở', 'Base committee'],
  BASE_CELL: ['Chi bộ cơ sở', 'Base cell'],
  SUB_COMMITTEE: ['Đảng bộ bộ phận', 'Sub-committee'],
  CELL: ['Chi bộ trực thuộc', 'Cell'],
};

export const STAGES: Labels = {
  NOT_STARTED: ['Chưa bắt đầu', 'Not started'],
  PLAN_ISSUED: ['Đã ban hành kế hoạch', 'Plan issued'],
  DOCUMENTS_DRAFTED: ['Đã dự thảo văn kiện', 'Documents drafted'],
  PERSONNEL_PLANNED: ['Đã có phương án nhân sự', 'Personnel planned'],
  APPROVED: ['Cấp trên đã duyệt', 'Approved'],
  HELD: ['Đã đại hội', 'Held'],
  RESULTS_CONFIRMED: ['Đã xác nhận kết quả', 'Results confirmed'],
  POSTPONED: ['Hoãn', 'Postponed'],
  SUPERSEDED: ['Không tổ chức', 'Superseded (merged, split or dissolved)'],
};

/** The stages in the order of the stage bar: the main line from the end, then the side states. */
export const STAGE_ORDER = ['RESULTS_CONFIRMED', 'HELD', 'APPROVED', 'PERSONNEL_PLANNED', 'DOCUMENTS_DRAFTED', 'PLAN_ISSUED', 'NOT_STARTED', 'POSTPONED', 'SUPERSEDED'] as const;

export const RISKS: Labels = {
  NOT_SCHEDULED_NEAR_DEADLINE: ['Chưa lên lịch, sắp đến hạn', 'Not scheduled near the deadline'],
  PLANNED_AFTER_DEADLINE: ['Dự kiến sau hạn', 'Planned after the deadline'],
  POSTPONED_PAST_DEADLINE: ['Hoãn quá hạn', 'Postponed past the deadline'],
  STUCK: ['Đứng lâu ở một bước', 'Stuck in its stage'],
  SUBORDINATES_BEHIND: ['Cấp dưới chưa xong', 'Subordinates behind'],
};

export const ROLES: Labels = {
  ADMIN: ['Quản trị', 'Admin'],
  EDITOR: ['Biên tập', 'Editor'],
  VIEWER: ['Xem', 'Viewer'],
  PUBLIC: ['Công khai', 'Public'],
};

export const RESTRUCTURING_KINDS: Labels = {
  ABSORB: ['Sáp nhập', 'Absorb'],
  DISSOLVE: ['Giải thể', 'Dissolve'],
  END_OPERATION: ['Kết thúc hoạt động', 'End of operation'],
  ESTABLISH: ['Thành lập mới', 'Establish'],
  MERGE: ['Hợp nhất', 'Merge'],
  RENAME: ['Đổi tên', 'Rename'],
  REORGANIZE: ['Tổ chức lại', 'Reorganise'],
  SPLIT: ['Chia tách', 'Split'],
  TRANSFER: ['Chuyển giao nguyên trạng', 'Transfer'],
};

export const RESTRUCTURING_STATUSES: Labels = {
  PROPOSED: ['Đề án', 'Proposed'],
  APPROVED: ['Đã quyết định', 'Approved'],
  EFFECTIVE: ['Có hiệu lực', 'Effective'],
  CANCELLED: ['Đã hủy', 'Cancelled'],
};

export const PARTICIPANT_ROLES: Labels = {
  SOURCE: ['Tổ chức kết thúc', 'Sources'],
  TARGET: ['Tổ chức hình thành', 'Targets'],
  MOVED: ['Chuyển', 'Moved'],
  OLD_PARENT: ['Cấp trên cũ', 'Old parent'],
  NEW_PARENT: ['Cấp trên mới', 'New parent'],
};

export const READINESS_STATUSES: Labels = {
  DRAFT: ['Bản nháp', 'Draft'],
  SUBMITTED: ['Chờ cấp trên', 'Submitted'],
  RETURNED: ['Đã trả lại', 'Returned'],
  ACKNOWLEDGED: ['Đã tiếp nhận', 'Acknowledged'],
};

/** The Vietnamese label of an enum value (the value itself when unknown: the API may add values). */
export const vi = (labels: Labels, value: string): string => labels[value]?.[0] ?? value;
/** "Vietnamese / English". */
export const both = (labels: Labels, value: string): string => (labels[value] ? `${labels[value][0]} / ${labels[value][1]}` : value);
