import { cells, type TreeSpec } from './tree-builder';

/**
 * The tree as it stood on 4 December 2024, when the Bloc trained its subordinate committees for the 2025–2030
 * congresses. Names follow the fact sheet; the finer structure under each ministry is plausible, not official.
 * The record starts on 1 January 2020 (the last term's congresses); earlier history is not modelled.
 */
export const DEMO_RECORD_START = '2020-01-01';

const financeCommittee: TreeSpec = {
  code: 'BTC',
  name: 'Đảng ủy Bộ Tài chính',
  shortName: 'ĐU Bộ Tài chính',
  level: 'ABOVE_BASE',
  children: [
    {
      code: 'BTC-TCT',
      name: 'Đảng ủy Tổng cục Thuế',
      level: 'BASE_COMMITTEE',
      aboveBasePowers: true,
      children: [
        {
          code: 'BTC-TCT-CQ',
          name: 'Đảng bộ Cơ quan Tổng cục Thuế',
          level: 'BASE_COMMITTEE',
          children: [
            {
              code: 'BTC-TCT-CQ-VP',
              name: 'Đảng bộ bộ phận Văn phòng Tổng cục Thuế',
              level: 'SUB_COMMITTEE',
              children: cells('BTC-TCT-CQ-VP', ['Phòng Hành chính', 'Phòng Tài vụ - Quản trị']),
            },
            ...cells('BTC-TCT-CQ', ['Vụ Chính sách thuế', 'Vụ Kê khai và Kế toán thuế', 'Cục Công nghệ thông tin']),
          ],
        },
        ...cells('BTC-TCT', ['Trường Nghiệp vụ Thuế', 'Tạp chí Thuế'], 'BASE_CELL'),
      ],
    },
    {
      code: 'BTC-TCHQ',
      name: 'Đảng ủy Tổng cục Hải quan',
      level: 'BASE_COMMITTEE',
      aboveBasePowers: true,
      children: [
        {
          code: 'BTC-TCHQ-CQ',
          name: 'Đảng bộ Cơ quan Tổng cục Hải quan',
          level: 'BASE_COMMITTEE',
          children: cells('BTC-TCHQ-CQ', ['Cục Giám sát quản lý về hải quan', 'Cục Thuế xuất nhập khẩu', 'Văn phòng Tổng cục Hải quan']),
        },
      ],
    },
    {
      code: 'BTC-KBNN',
      name: 'Đảng bộ Kho bạc Nhà nước',
      level: 'BASE_COMMITTEE',
      children: cells('BTC-KBNN', ['Vụ Kế toán nhà nước', 'Vụ Kiểm soát chi', 'Văn phòng Kho bạc']),
    },
    {
      code: 'BTC-UBCK',
      name: 'Đảng bộ Ủy ban Chứng khoán Nhà nước',
      level: 'BASE_COMMITTEE',
      children: cells('BTC-UBCK', ['Vụ Quản lý chào bán chứng khoán', 'Vụ Giám sát thị trường chứng khoán']),
    },
    {
      code: 'BTC-TCDT',
      name: 'Đảng bộ Tổng cục Dự trữ Nhà nước',
      level: 'BASE_COMMITTEE',
      children: cells('BTC-TCDT', ['Vụ Kế hoạch - Tài chính', 'Vụ Quản lý hàng dự trữ']),
    },
    {
      code: 'BTC-CQ',
      name: 'Đảng bộ Cơ quan Bộ Tài chính',
      level: 'BASE_COMMITTEE',
      children: [
        {
          code: 'BTC-CQ-TCCB',
          name: 'Đảng bộ bộ phận Vụ Tổ chức cán bộ',
          level: 'SUB_COMMITTEE',
          children: cells('BTC-CQ-TCCB', ['Phòng Tổ chức bộ máy', 'Phòng Cán bộ']),
        },
        ...cells('BTC-CQ', ['Vụ Ngân sách nhà nước', 'Vụ Chính sách thuế', 'Văn phòng Bộ']),
      ],
    },
    {
      code: 'BTC-HVTC',
      name: 'Đảng bộ Học viện Tài chính',
      level: 'BASE_COMMITTEE',
      children: cells('BTC-HVTC', ['Khoa Kế toán', 'Khoa Tài chính doanh nghiệp', 'Khoa Ngân hàng - Bảo hiểm']),
    },
  ],
};

const ministry = (code: string, name: string, units: [string, string, string[]][]): TreeSpec => ({
  code,
  name,
  level: 'ABOVE_BASE',
  children: units.map(([suffix, unitName, unitCells]) =>
    unitCells.length
      ? { code: `${code}-${suffix}`, name: unitName, level: 'BASE_COMMITTEE', children: cells(`${code}-${suffix}`, unitCells) }
      : { code: `${code}-${suffix}`, name: unitName, level: 'BASE_CELL', members: 24 },
  ),
});

export const demoTree: TreeSpec = {
  code: 'TW',
  name: 'Ban Chấp hành Trung ương Đảng',
  shortName: 'BCH Trung ương',
  level: 'CENTRAL_COMMITTEE',
  children: [
    {
      code: 'KCQTW',
      name: 'Đảng bộ Khối các cơ quan Trung ương',
      shortName: 'Đảng bộ Khối',
      level: 'DIRECTLY_UNDER_CENTRAL',
      children: [
        financeCommittee,
        ministry('BKHDT', 'Đảng ủy Bộ Kế hoạch và Đầu tư', [
          ['CQ', 'Đảng bộ Cơ quan Bộ Kế hoạch và Đầu tư', ['Vụ Tổng hợp kinh tế quốc dân', 'Vụ Quản lý quy hoạch', 'Văn phòng Bộ']],
          ['TCTK', 'Đảng bộ Tổng cục Thống kê', ['Vụ Thống kê tổng hợp', 'Vụ Thống kê công nghiệp']],
          ['VCL', 'Chi bộ Viện Chiến lược phát triển', []],
        ]),
        ministry('BCT', 'Đảng ủy Bộ Công Thương', [
          ['CQ', 'Đảng bộ Cơ quan Bộ Công Thương', ['Vụ Kế hoạch - Tài chính', 'Cục Xuất nhập khẩu']],
          ['DHCN', 'Đảng bộ Trường Đại học Công nghiệp Hà Nội', ['Khoa Cơ khí', 'Khoa Điện']],
        ]),
        ministry('BTP', 'Đảng ủy Bộ Tư pháp', [
          ['CQ', 'Đảng bộ Cơ quan Bộ Tư pháp', ['Vụ Pháp luật hình sự - hành chính', 'Cục Hộ tịch, quốc tịch, chứng thực']],
          ['DHL', 'Đảng bộ Trường Đại học Luật Hà Nội', ['Khoa Luật Dân sự', 'Khoa Luật Hình sự']],
        ]),
        ministry('BNG', 'Đảng ủy Bộ Ngoại giao', [
          ['CQ', 'Đảng bộ Cơ quan Bộ Ngoại giao', ['Vụ Chính sách đối ngoại', 'Cục Lãnh sự']],
          ['HVNG', 'Chi bộ Học viện Ngoại giao', []],
        ]),
        ministry('BYT', 'Đảng ủy Bộ Y tế', [
          ['BM', 'Đảng bộ Bệnh viện Bạch Mai', ['Khoa Cấp cứu', 'Khoa Nội tiết', 'Khối Hành chính']],
          ['VD', 'Đảng bộ Bệnh viện Hữu nghị Việt Đức', ['Khoa Phẫu thuật thần kinh', 'Khoa Gây mê hồi sức']],
          ['CQ', 'Chi bộ Cơ quan Bộ Y tế', []],
        ]),
        ministry('BGDDT', 'Đảng ủy Bộ Giáo dục và Đào tạo', [
          ['CQ', 'Đảng bộ Cơ quan Bộ Giáo dục và Đào tạo', ['Vụ Giáo dục đại học', 'Vụ Giáo dục phổ thông']],
          ['DHSP', 'Đảng bộ Trường Đại học Sư phạm Hà Nội', ['Khoa Toán - Tin', 'Khoa Ngữ văn']],
        ]),
        ministry('VPTW', 'Đảng ủy Văn phòng Trung ương Đảng', [
          ['CQ', 'Đảng bộ Cơ quan Văn phòng Trung ương Đảng', ['Vụ Tổng hợp', 'Cục Lưu trữ']],
        ]),
        ministry('VPQH', 'Đảng ủy Văn phòng Quốc hội', [
          ['CQ', 'Đảng bộ Cơ quan Văn phòng Quốc hội', ['Vụ Pháp luật', 'Vụ Tài chính - Ngân sách']],
        ]),
        ministry('VPCP', 'Đảng ủy Văn phòng Chính phủ', [
          ['CQ', 'Đảng bộ Cơ quan Văn phòng Chính phủ', ['Vụ Tổng hợp', 'Vụ Kinh tế tổng hợp']],
        ]),
        {
          code: 'BND',
          name: 'Đảng bộ Báo Nhân Dân',
          level: 'BASE_COMMITTEE',
          children: cells('BND', ['Ban Thư ký tòa soạn', 'Ban Kinh tế', 'Ban Điện tử']),
        },
        { code: 'TCCS', name: 'Chi bộ Tạp chí Cộng sản', level: 'BASE_CELL', members: 38 },
      ],
    },
    {
      code: 'KDNTW',
      name: 'Đảng bộ Khối Doanh nghiệp Trung ương',
      level: 'DIRECTLY_UNDER_CENTRAL',
      children: [
        { code: 'EVN', name: 'Đảng bộ Tập đoàn Điện lực Việt Nam', level: 'ABOVE_BASE', children: [
          { code: 'EVN-CQ', name: 'Đảng bộ Cơ quan Tập đoàn Điện lực Việt Nam', level: 'BASE_COMMITTEE', children: cells('EVN-CQ', ['Ban Kỹ thuật - Sản xuất', 'Ban Tài chính - Kế toán']) },
        ] },
      ],
    },
  ],
};
