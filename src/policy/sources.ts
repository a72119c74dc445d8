import type { Source } from './types.js'

// The built-in table of sources: the five reform documents the default pack's lists and rules
// were drawn from, and the national rules and city practice that sharpen them. Each entry says
// only what is known: the reform documents as the copies the project worked from give them,
// where a title, issuer or date is not certain the entry says so in `note`, and no address is
// given that nobody has checked. A pack's own table comes first; this one answers for any id it
// does not list, and for packs stored before packs had sources.
export const SOURCES = {
  'nanjing-2014': {
    title: '《南京市深化街道和社区体制改革实施方案》',
    issuer: '南京市',
    date: '2014',
    published: '中国社区工作网转载',
    note: '转载文本未载发文机关和成文日期；年份据其所依据的宁委发〔2014〕3号和各项任务2014—2015年的完成时间。'
  },
  'qingdao-shinan-2018': {
    title: '《深化街道社区管理体制改革 加快推进基层社会治理现代化》',
    issuer: '中国社会报',
    date: '2018-11-27',
    published: '中国社会报；中国社区网转载',
    note: '记者华玉松的报道，记青岛市市南区2017年以来的街道社区管理体制改革；所引“赋权减负”“以协商促共治”是报道中的段落。'
  },
  'wuhan-2015': {
    title: '武汉创新社会治理加强基层建设“1+10”系列文件的报道与解读',
    issuer: '中共武汉市委、武汉市人民政府',
    date: '2015',
    published: '新闻报道，未署媒体名称',
    note: '“1”为《市委市政府关于进一步创新社会治理加强基层建设的意见》，“10”为其配套文件；报道本身未载日期，年份未核实；所引“解读1”至“解读3”是报道的三个部分。'
  },
  'nantong-2013': {
    title: '《南通市人民政府办公室关于2013年统筹城乡社区建设主要工作责任分解的通知》',
    number: '通政办发〔2013〕35号',
    issuer: '南通市人民政府办公室',
    date: '2013-02-27',
    published: '印发各县（市）、区人民政府，市经济技术开发区管委会，市各委、办、局，市各直属单位；项目所用文本为网络转载'
  },
  'zhangjiagang-2016': {
    title: '《张家港市关于建设全省社区治理和服务创新实验区实施意见》',
    number: '张委发〔2016〕26号',
    issuer: '中共张家港市委（据文号）',
    date: '2016',
    published: '项目所用文本为网络转载，与张政办〔2013〕1号合为一篇（本文为Ⅰ）',
    note: '转载文本未载发文机关和成文日期；工作进度自2016年5月起。'
  },
  'zhangjiagang-2013': {
    title: '关于印发《基层群众自治组织协助政府工作事项》和《基层群众自治组织依法履行职责事项》的通知',
    number: '张政办〔2013〕1号',
    issuer: '张家港市人民政府办公室（据文号）',
    date: '2013',
    published: '项目所用文本为网络转载，附于张委发〔2016〕26号之后（本文为Ⅱ）',
    note: '项目所用转载文本中两个清单的表格内容缺失，只存标题。'
  },
  'minfa-2015-136': {
    title: '《民政部、中央组织部关于进一步开展社区减负工作的通知》',
    number: '民发〔2015〕136号',
    issuer: '民政部、中共中央组织部',
    date: '2015-07-13',
    published: '印发各省、自治区、直辖市民政厅（局）、党委组织部'
  },
  'minfa-2020-20': {
    title: '《关于改进和规范基层群众性自治组织出具证明工作的指导意见》',
    number: '民发〔2020〕20号',
    issuer: '民政部、国家发展改革委、公安部、司法部、人力资源社会保障部、国家卫生健康委',
    date: '2020-04',
    published: '民政部门户网站',
    note: '附《不应由基层群众性自治组织出具证明事项清单（第一批）》，共20项；成文日期未核实，2020年4月底公布。'
  },
  'xiang-2020-41': {
    title: '湘民发〔2020〕41号（社区减负“八个不得”）',
    number: '湘民发〔2020〕41号',
    issuer: '湖南省民政厅（据文号）',
    date: '2020',
    published: '未核实',
    note: '标题、成文日期和发布处未核实；项目只知其“八个不得”的内容。'
  },
  'residents-committee-law': {
    title: '《中华人民共和国城市居民委员会组织法》',
    issuer: '全国人民代表大会常务委员会',
    date: '1989-12-26',
    published: '中华人民共和国主席令第二十一号公布，1990年1月1日起施行；2018年12月29日修正'
  },
  'villagers-committee-law': {
    title: '《中华人民共和国村民委员会组织法》',
    issuer: '全国人民代表大会常务委员会',
    date: '1998-11-04',
    published: '1998年11月4日通过；2010年10月28日修订，2018年12月29日修正',
    note: '所引第二十六条（村民代表会议的出席人数和表决）按2010年修订本的条文编号。'
  },
  'xicheng-2018': {
    title: '《西城区持续推进社区减负工作实施方案》',
    issuer: '北京市西城区',
    date: '2018',
    published: '未见原件；据2018年7月的新闻报道',
    note: '准入程序分申请、审批、准入、撤销四步：申请单位提前30个工作日书面申请，区社区减负工作组在15个工作日内完成审批。发文机关和成文日期未核实。'
  },
  'governance-opinion-2021': {
    title: '《中共中央 国务院关于加强基层治理体系和治理能力现代化建设的意见》',
    issuer: '中共中央、国务院',
    date: '2021',
    published: '中国政府网'
  },
  'burden-notice-2019': {
    title: '《中共中央办公厅关于解决形式主义突出问题为基层减负的通知》',
    issuer: '中共中央办公厅',
    date: '2019',
    published: '中国政府网'
  },
  'street-duty-lists': {
    title: '乡镇（街道）履行职责事项清单（各地按全国部署编制）',
    issuer: '各地',
    date: '2024—2025',
    published: '各地公布',
    note: '不是一份文件：基本履职事项、配合履职事项、上级部门收回事项三张清单的全国通行格式，平均约340项。'
  }
} satisfies Record<string, Omit<Source, 'id'>>

export type SourceId = keyof typeof SOURCES

export const BUILT_IN_SOURCES: Source[] = Object.entries(SOURCES).map(([id, source]) => ({ id, ...source }))
