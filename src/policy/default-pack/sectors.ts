import type { Sector } from '../types.js'

/**
 * Sector codes of the departments that lead, guide or claim catalog items.
 * A department's sector must equal a catalog item's sector for its claim of
 * that item to be admitted (catalog_match).
 */
export const DEFAULT_SECTORS: Sector[] = [
  { code: 'civil_affairs', name: '民政' },
  { code: 'public_security', name: '公安' },
  { code: 'drug_control', name: '禁毒办' },
  { code: 'justice', name: '司法行政' },
  { code: 'health', name: '卫生健康' },
  { code: 'medical_security', name: '医疗保障' },
  { code: 'veterans_affairs', name: '退役军人事务' },
  { code: 'human_resources', name: '人力资源和社会保障' },
  { code: 'housing', name: '住房和城乡建设' },
  { code: 'disabled_persons', name: '残疾人联合会' },
  { code: 'emergency_management', name: '应急管理' },
  { code: 'fire_rescue', name: '消防救援' },
  { code: 'military_service', name: '人民武装' },
  { code: 'statistics', name: '统计' },
  { code: 'market_regulation', name: '市场监督管理' },
  { code: 'education', name: '教育' },
  { code: 'culture_tourism', name: '文化和旅游' },
  { code: 'sports', name: '体育' },
  { code: 'ecology_environment', name: '生态环境' },
  { code: 'urban_management', name: '城市管理' },
  { code: 'commerce', name: '商务' },
  { code: 'development_reform', name: '发展和改革' },
  { code: 'finance', name: '财政' },
  { code: 'taxation', name: '税务' },
  { code: 'natural_resources', name: '自然资源' },
  { code: 'agriculture', name: '农业农村' },
  { code: 'water_resources', name: '水务' },
  { code: 'ethnic_religious', name: '民族宗教事务' },
  { code: 'women_federation', name: '妇联' },
  { code: 'youth_league', name: '共青团' },
  { code: 'trade_union', name: '总工会' },
  { code: 'red_cross', name: '红十字会' },
  { code: 'party_organization', name: '党委组织部' },
  { code: 'political_legal', name: '党委政法委（平安建设）' },
  { code: 'propaganda', name: '党委宣传部（文明办）' },
  { code: 'social_work', name: '党委社会工作部' },
  { code: 'government_services', name: '政务服务和数据管理' },
  { code: 'letters_visits', name: '信访' }
]
