import type { OrganizationLevel } from '../src/organization/organization.levels';
import type { RestructuringKind } from '../src/restructuring/restructuring.enums';

/**
 * What 2025 did to the demo tree (../shared/domain/facts.md §5), as restructuring decisions over organisation codes.
 * Shared by the demo seed (through the services) and the replay test (through the API).
 * Decision numbers the fact sheet does not give are marked "(minh họa)": illustrative, not official.
 */
export interface HistoricDecision {
  /** Names the decision in the demo: its restructuring's id derives from it. */
  code: string;
  kind: keyof typeof RestructuringKind;
  title: string;
  decisionNumber: string;
  decisionDate: string;
  issuer: string;
  effectiveOn: string;
  sources?: string[];
  targets?: string[];
  newTargets?: { code: string; name: string; shortName?: string; level: keyof typeof OrganizationLevel; parentCode: string }[];
  moves?: { code: string; newParentCode: string }[];
  rename?: { code: string; name: string };
}

/** 24 Jan 2025 (Conclusion 121-KL/TW; Decisions 242, 243, 244-QĐ/TW), announced and in effect from 3 Feb 2025. */
export const endOfTheBlocs: HistoricDecision = {
  code: '2025-02-03-KHOI',
  kind: 'REORGANIZE',
  title: 'Kết thúc hoạt động Đảng bộ Khối các cơ quan Trung ương và Đảng bộ Khối Doanh nghiệp Trung ương; thành lập Đảng bộ các cơ quan Đảng Trung ương, Đảng bộ Chính phủ, Đảng bộ Quốc hội',
  decisionNumber: '242-QĐ/TW, 243-QĐ/TW, 244-QĐ/TW',
  decisionDate: '2025-01-24',
  issuer: 'Bộ Chính trị',
  effectiveOn: '2025-02-03',
  sources: ['KCQTW', 'KDNTW'],
  newTargets: [
    { code: 'DCQD', name: 'Đảng bộ các cơ quan Đảng Trung ương', level: 'DIRECTLY_UNDER_CENTRAL', parentCode: 'TW' },
    { code: 'DCP', name: 'Đảng bộ Chính phủ', level: 'DIRECTLY_UNDER_CENTRAL', parentCode: 'TW' },
    { code: 'DQH', name: 'Đảng bộ Quốc hội', level: 'DIRECTLY_UNDER_CENTRAL', parentCode: 'TW' },
  ],
  moves: [
    ...['BTC', 'BKHDT', 'BCT', 'BTP', 'BNG', 'BYT', 'BGDDT', 'VPCP', 'EVN'].map((code) => ({ code, newParentCode: 'DCP' })),
    ...['VPTW', 'BND', 'TCCS'].map((code) => ({ code, newParentCode: 'DCQD' })),
    { code: 'VPQH', newParentCode: 'DQH' },
  ],
};

/** 1 Mar 2025: the Ministry of Planning and Investment merges into the Ministry of Finance; so do their committees. */
export const financeMerger: HistoricDecision = {
  code: '2025-03-01-DBTC',
  kind: 'MERGE',
  title: 'Hợp nhất Đảng ủy Bộ Tài chính và Đảng ủy Bộ Kế hoạch và Đầu tư thành Đảng bộ Bộ Tài chính',
  decisionNumber: '(minh họa) QĐ/ĐUCP hợp nhất Đảng bộ Bộ Tài chính',
  decisionDate: '2025-02-28',
  issuer: 'Ban Thường vụ Đảng ủy Chính phủ',
  effectiveOn: '2025-03-01',
  sources: ['BTC', 'BKHDT'],
  newTargets: [{ code: 'DBTC', name: 'Đảng bộ Bộ Tài chính', shortName: 'Đảng bộ Bộ Tài chính', level: 'ABOVE_BASE', parentCode: 'DCP' }],
};

/** 1 Mar 2025: general departments become departments. */
export const taxRename: HistoricDecision = {
  code: '2025-03-01-CUC-THUE',
  kind: 'RENAME',
  title: 'Đổi tên Đảng ủy Tổng cục Thuế thành Đảng ủy Cục Thuế',
  decisionNumber: '(minh họa) QĐ đổi tên Đảng ủy Cục Thuế',
  decisionDate: '2025-02-28',
  issuer: 'Ban Thường vụ Đảng ủy Chính phủ',
  effectiveOn: '2025-03-01',
  rename: { code: 'BTC-TCT', name: 'Đảng ủy Cục Thuế' },
};

/** 15 Dec 2025: Decision 73 transfers enterprise party committees unchanged (nguyên trạng) to the Bộ Tài chính party. */
export const enterpriseTransfer: HistoricDecision = {
  code: '2025-12-15-EVN',
  kind: 'TRANSFER',
  title: 'Chuyển giao nguyên trạng Đảng bộ Tập đoàn Điện lực Việt Nam về Đảng bộ Bộ Tài chính',
  decisionNumber: '73',
  decisionDate: '2025-12-15',
  issuer: 'Ban Thường vụ Đảng ủy Chính phủ',
  effectiveOn: '2025-12-15',
  moves: [{ code: 'EVN', newParentCode: 'DBTC' }],
};

export const HISTORY_2025 = [endOfTheBlocs, financeMerger, taxRename, enterpriseTransfer];
