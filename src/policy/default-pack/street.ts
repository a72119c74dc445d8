import { SOURCES } from '../sources.js'
import type { LevelCatalogs } from '../types.js'

// The street-level lists of the default pack (街道准入), in the
// shape of the national 乡镇（街道）履行职责事项清单 (2024–2025):
//   lawful_duties  = 基本履职事项 (basic duties)
//   assisted_tasks = 配合履职事项 (a department leads, the street cooperates; funded)
//   negative       = 上级部门收回事项 and exclusions (may not be pushed down again)
// Streets are not screened for community certificates: the certificates list is empty.
// Every entry names its source by title (the sources table, src/policy/sources.ts) and section.
// Codes are stable: never renumber, only append.

const NANJING = SOURCES['nanjing-2014'].title
const QINGDAO = SOURCES['qingdao-shinan-2018'].title
const WUHAN = SOURCES['wuhan-2015'].title
const NATIONAL_LIST = SOURCES['street-duty-lists'].title
const GOVERNANCE_OPINION = SOURCES['governance-opinion-2021'].title
const BURDEN_NOTICE = SOURCES['burden-notice-2019'].title

export const STREET_CATALOGS: LevelCatalogs = {
  lawful_duties: [
    {
      code: 'SLD-01',
      name: '加强基层党的建设，领导基层各类组织',
      sector: 'party_organization',
      responsibleDepartment: '党委组织部',
      legalBasis: `《中国共产党章程》；${GOVERNANCE_OPINION}`,
      fundingRequired: false,
      source: `${QINGDAO} 赋权减负; ${WUHAN} 解读2; ${NATIONAL_LIST}`
    },
    {
      code: 'SLD-02',
      name: '统筹区域发展：参与辖区规划，服务驻区企业，优化营商环境',
      sector: 'development_reform',
      responsibleDepartment: '发展和改革委员会',
      legalBasis: GOVERNANCE_OPINION,
      fundingRequired: false,
      source: `${QINGDAO} 赋权减负; ${NANJING} §二.1; ${WUHAN} 解读2`
    },
    {
      code: 'SLD-03',
      name: '组织公共服务，运行街道便民服务中心',
      sector: 'government_services',
      responsibleDepartment: '政务服务管理办公室',
      legalBasis: GOVERNANCE_OPINION,
      fundingRequired: false,
      source: `${QINGDAO} 赋权减负; ${NANJING} §二.13, §二.14; ${WUHAN} 解读2`
    },
    {
      code: 'SLD-04',
      name: '实施综合治理，开展平安建设和矛盾纠纷排查化解',
      sector: 'political_legal',
      responsibleDepartment: '党委政法委',
      legalBasis: GOVERNANCE_OPINION,
      fundingRequired: false,
      source: `${QINGDAO} 赋权减负; ${WUHAN} 解读2; ${NATIONAL_LIST}`
    },
    {
      code: 'SLD-05',
      name: '监督专业管理，统筹协调派驻机构和职能部门在辖区履职',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: GOVERNANCE_OPINION,
      fundingRequired: false,
      source: `${QINGDAO} 赋权减负; ${NANJING} §二.3`
    },
    {
      code: 'SLD-06',
      name: '动员社会参与，培育社区社会组织，建立驻区单位联席会议',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: GOVERNANCE_OPINION,
      fundingRequired: false,
      source: `${QINGDAO} 赋权减负; ${NANJING} §二.1, §二.9`
    },
    {
      code: 'SLD-07',
      name: '指导社区自治和社区建设，指导居民委员会依法履职',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '《中华人民共和国城市居民委员会组织法》第二条第二款',
      fundingRequired: false,
      source: `${QINGDAO} 赋权减负; ${NANJING} §二.1, §二.16`
    },
    {
      code: 'SLD-08',
      name: '维护社区平安，组织基层应急管理和突发事件先期处置',
      sector: 'emergency_management',
      responsibleDepartment: '应急管理局',
      legalBasis: '《中华人民共和国突发事件应对法》',
      fundingRequired: false,
      source: `${QINGDAO} 赋权减负; ${WUHAN} 解读2; ${NATIONAL_LIST}`
    },
    {
      code: 'SLD-09',
      name: '统筹属地城市管理，组织居民和辖区单位参与城市管理',
      sector: 'urban_management',
      responsibleDepartment: '城市管理局',
      legalBasis: '中共中央 国务院《关于深入推进城市执法体制改革改进城市管理工作的指导意见》（2015年）',
      fundingRequired: false,
      source: `${NANJING} §二.1; ${NATIONAL_LIST}`
    },
    {
      code: 'SLD-10',
      name: '受理社会救助申请，开展家庭经济状况调查和审核',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '《社会救助暂行办法》第十一条',
      fundingRequired: false,
      source: `${NANJING} §二.13; ${NATIONAL_LIST}`
    },
    {
      code: 'SLD-11',
      name: '指导人民调解组织建设和民间纠纷调解',
      sector: 'justice',
      responsibleDepartment: '司法局',
      legalBasis: '《中华人民共和国人民调解法》',
      fundingRequired: false,
      source: `${WUHAN} 解读2; ${NATIONAL_LIST}`
    },
    {
      code: 'SLD-12',
      name: '组织兵役登记和征兵工作',
      sector: 'military_service',
      responsibleDepartment: '人民武装部',
      legalBasis: '《中华人民共和国兵役法》；《征兵工作条例》',
      fundingRequired: false,
      source: NATIONAL_LIST
    }
  ],

  // 配合履职事项: the department named leads; people, money and materials come
  // with the item (人财物同步下放, 青岛市南区 赋权减负). No item sets a funding standard it could not cite.
  assisted_tasks: [
    {
      code: 'SAT-01',
      name: '配合开展辖区生产经营单位安全生产监督检查',
      sector: 'emergency_management',
      responsibleDepartment: '应急管理局',
      legalBasis: '《中华人民共和国安全生产法》第九条',
      fundingRequired: true,
      source: `${QINGDAO} 赋权减负; ${NATIONAL_LIST}`
    },
    {
      code: 'SAT-02',
      name: '配合开展辖区违章搭建巡查发现和报告',
      sector: 'urban_management',
      responsibleDepartment: '城市管理局',
      legalBasis: '中共中央 国务院《关于深入推进城市执法体制改革改进城市管理工作的指导意见》（2015年）',
      fundingRequired: true,
      source: `${NANJING} §二.1; ${WUHAN} 解读1; ${NATIONAL_LIST}`
    },
    {
      code: 'SAT-03',
      name: '配合开展大气污染防治网格化巡查',
      sector: 'ecology_environment',
      responsibleDepartment: '生态环境局',
      legalBasis: '《中华人民共和国大气污染防治法》',
      fundingRequired: true,
      source: `${QINGDAO} 赋权减负; ${NATIONAL_LIST}`
    },
    {
      code: 'SAT-04',
      name: '配合开展人口普查、经济普查等重大国情国力调查',
      sector: 'statistics',
      responsibleDepartment: '统计局',
      legalBasis: '《中华人民共和国统计法》；《全国人口普查条例》；《全国经济普查条例》',
      fundingRequired: true,
      kinds: ['data_collection', 'service'],
      source: `${QINGDAO} 赋权减负; ${NATIONAL_LIST}`
    },
    {
      code: 'SAT-05',
      name: '配合开展食品安全协管和市场秩序巡查',
      sector: 'market_regulation',
      responsibleDepartment: '市场监督管理局',
      legalBasis: '《中华人民共和国食品安全法》',
      fundingRequired: true,
      source: `${WUHAN} 解读1; ${NATIONAL_LIST}`
    },
    {
      code: 'SAT-06',
      name: '配合开展社区戒毒、社区康复工作',
      sector: 'drug_control',
      responsibleDepartment: '禁毒委员会办公室（公安局）',
      legalBasis: '《中华人民共和国禁毒法》第三十四条；《戒毒条例》',
      fundingRequired: true,
      source: NATIONAL_LIST
    },
    {
      code: 'SAT-07',
      name: '配合开展流动人口服务管理和出租房屋管理',
      sector: 'public_security',
      responsibleDepartment: '公安局',
      legalBasis: '《居住证暂行条例》',
      fundingRequired: true,
      source: `${WUHAN} 解读1; ${NATIONAL_LIST}`
    },
    {
      code: 'SAT-08',
      name: '配合开展退役军人服务保障',
      sector: 'veterans_affairs',
      responsibleDepartment: '退役军人事务局',
      legalBasis: '《中华人民共和国退役军人保障法》',
      fundingRequired: true,
      source: NATIONAL_LIST
    },
    {
      code: 'SAT-09',
      name: '配合开展住房保障申请审核',
      sector: 'housing',
      responsibleDepartment: '住房和城乡建设局',
      legalBasis: '《公共租赁住房管理办法》（住房和城乡建设部令第11号）',
      fundingRequired: true,
      source: `${WUHAN} 解读1; ${NATIONAL_LIST}`
    },
    {
      code: 'SAT-10',
      name: '配合开展就业服务和社会保险经办',
      sector: 'human_resources',
      responsibleDepartment: '人力资源和社会保障局',
      legalBasis: '《中华人民共和国就业促进法》；《中华人民共和国社会保险法》',
      fundingRequired: true,
      source: `${NANJING} §二.13; ${NATIONAL_LIST}`
    },
    {
      code: 'SAT-11',
      name: '配合开展防汛抗旱和自然灾害应急处置',
      sector: 'emergency_management',
      responsibleDepartment: '应急管理局',
      legalBasis: '《中华人民共和国防洪法》；《自然灾害救助条例》',
      fundingRequired: true,
      source: NATIONAL_LIST
    },
    {
      code: 'SAT-12',
      name: '配合开展传染病防控和突发公共卫生事件应对',
      sector: 'health',
      responsibleDepartment: '卫生健康委员会',
      legalBasis: '《中华人民共和国传染病防治法》',
      fundingRequired: true,
      source: NATIONAL_LIST
    },
    {
      code: 'SAT-13',
      name: '配合推进生活垃圾分类',
      sector: 'urban_management',
      responsibleDepartment: '城市管理局',
      legalBasis: '《中华人民共和国固体废物污染环境防治法》',
      fundingRequired: true,
      source: NATIONAL_LIST
    },
    {
      code: 'SAT-14',
      name: '配合开展国有土地上房屋征收补偿的政策宣传和群众工作',
      sector: 'housing',
      responsibleDepartment: '住房和城乡建设局',
      legalBasis: '《国有土地上房屋征收与补偿条例》',
      fundingRequired: true,
      source: NATIONAL_LIST
    }
  ],

  certificates: [],

  // 上级部门收回事项 and exclusions: a department may not push these down again.
  negative: [
    {
      code: 'SNG-01',
      name: '中心城区街道的招商引资任务',
      rule: 'economic_target',
      keywords: ['招商引资', '引资任务', '招商任务', '招商指标'],
      source: `${WUHAN} 解读2; ${NANJING} §二.1; ${QINGDAO} 赋权减负`
    },
    {
      code: 'SNG-02',
      name: '固定资产投资、社会消费品零售总额、财税等经济指标考核',
      rule: 'economic_target',
      keywords: ['固定资产投资', '社会消费品零售总额', '财税增长', '税收任务', '经济指标考核'],
      source: `${NANJING} §二.1, §二.17; ${WUHAN} 解读2`
    },
    {
      code: 'SNG-03',
      name: '地区生产总值（GDP）考核',
      rule: 'economic_target',
      keywords: ['GDP', '地区生产总值'],
      source: `${NANJING} §二.17`
    },
    {
      code: 'SNG-04',
      name: '街道无法定权限的行政执法事项',
      rule: 'not_responsible_subject',
      keywords: ['行政处罚', '行政强制', '专业执法'],
      source: `${NANJING} §二.3; ${WUHAN} 解读2; ${NATIONAL_LIST}`
    },
    {
      code: 'SNG-05',
      name: '专业监管事项的主体责任（由职能部门依法承担）',
      rule: 'not_responsible_subject',
      keywords: ['监管主体责任', '专业监管', '特种设备监管'],
      source: `${NANJING} §二.3; ${WUHAN} 解读1; ${NATIONAL_LIST}`
    },
    {
      code: 'SNG-06',
      name: '涉企服务管理和审批事项（收归区级政务服务中心）',
      rule: 'not_responsible_subject',
      keywords: ['企业登记', '涉企审批', '行政许可'],
      source: `${NANJING} §二.13; ${NATIONAL_LIST}`
    },
    {
      code: 'SNG-07',
      name: '职能部门对街道的单项考核、评比、创建达标',
      rule: 'separate_assessment',
      keywords: ['单项考核', '评比', '创建达标', '考核排名'],
      source: `${NANJING} §二.17; ${WUHAN} 解读3`
    },
    {
      code: 'SNG-08',
      name: '未经批准的责任状和一票否决',
      rule: 'separate_assessment',
      keywords: ['责任状', '一票否决'],
      source: BURDEN_NOTICE
    },
    {
      code: 'SNG-09',
      name: '在街道设立非正式机构、挂牌子',
      rule: 'organization_or_plaque',
      keywords: ['设立机构', '非正式机构', '挂牌', '成立领导小组'],
      exceptions: ['挂牌督办'],
      source: `${NANJING} §二.2, §二.5`
    },
    {
      code: 'SNG-10',
      name: '重复报表、多头填报',
      rule: 'ledger_or_stamp',
      keywords: ['重复填报', '重复报送', '多头填报', '重复报表'],
      source: `${BURDEN_NOTICE}; 一表通`
    }
  ]
}
