import { SOURCES } from '../sources.js'
import type { LevelCatalogs } from '../types.js'

// The community-level lists of the default pack.
// Every entry names its source: a document of the sources table (src/policy/sources.ts) by its
// title and section, and/or the national document it follows. Codes are stable: never renumber, only append.

const NANJING = SOURCES['nanjing-2014'].title
const WUHAN = SOURCES['wuhan-2015'].title
const NANTONG = SOURCES['nantong-2013'].title
// The project's copy holds both documents, as Ⅰ and Ⅱ; an entry cites a section of Ⅰ or the lists of Ⅱ.
const ZHANGJIAGANG = `${SOURCES['zhangjiagang-2016'].title}（Ⅰ）及${SOURCES['zhangjiagang-2013'].number}（Ⅱ）`
const QINGDAO = SOURCES['qingdao-shinan-2018'].title
const ORGANIC_LAW = SOURCES['residents-committee-law'].title
const MINFA_2015_136 = SOURCES['minfa-2015-136'].number
const MINFA_2020_20 = SOURCES['minfa-2020-20'].number
const XIANG_2020_41 = SOURCES['xiang-2020-41'].number

export const COMMUNITY_CATALOGS: LevelCatalogs = {
  // 基层群众自治组织依法履行职责事项: the residents' committee's own statutory duties.
  lawful_duties: [
    {
      code: 'LD-01',
      name: '召集和主持居民会议，向居民会议负责并报告工作',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第十条`,
      fundingRequired: false,
      source: `${ZHANGJIAGANG} Ⅱ; ${NANJING} §二.5; 城市居民委员会组织法第十条`
    },
    {
      code: 'LD-02',
      name: '涉及全体居民利益的重要问题提请居民会议讨论决定',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第十条`,
      fundingRequired: false,
      source: `${ZHANGJIAGANG} 四(二)四; 城市居民委员会组织法第十条`
    },
    {
      code: 'LD-03',
      name: '组织居民会议讨论制定居民公约并监督执行',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第十五条`,
      fundingRequired: false,
      source: `${ZHANGJIAGANG} 四(二)一; ${NANTONG} (十八); 城市居民委员会组织法第十五条`
    },
    {
      code: 'LD-04',
      name: '办理本居住地区居民的公共事务和公益事业',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第三条第（二）项`,
      fundingRequired: false,
      source: `${NANJING} §二.6; 城市居民委员会组织法第三条`
    },
    {
      code: 'LD-05',
      name: '调解民间纠纷',
      sector: 'justice',
      responsibleDepartment: '司法局',
      legalBasis: `${ORGANIC_LAW}第三条第（三）项；《中华人民共和国人民调解法》第八条`,
      fundingRequired: false,
      source: `${NANJING} §二.6; ${NANTONG} (四); 城市居民委员会组织法第三条`
    },
    {
      code: 'LD-06',
      name: '设立人民调解、治安保卫、公共卫生等下属委员会并发挥其作用',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第十三条`,
      fundingRequired: false,
      source: `${NANJING} §二.6; 城市居民委员会组织法第十三条`
    },
    {
      code: 'LD-07',
      name: '开展便民利民的社区服务活动，兴办有关服务事业',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第四条第一款`,
      fundingRequired: false,
      source: `${WUHAN} 解读2; ${ZHANGJIAGANG} 四(三); 城市居民委员会组织法第四条`
    },
    {
      code: 'LD-08',
      name: '管理本居民委员会的财产',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第四条第二款`,
      fundingRequired: false,
      source: `${ZHANGJIAGANG} Ⅱ; 城市居民委员会组织法第四条`
    },
    {
      code: 'LD-09',
      name: '经居民会议决定筹集公益事业费用，及时公布收支帐目并接受居民监督',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第十六条`,
      fundingRequired: false,
      source: `${NANTONG} (十八); 城市居民委员会组织法第十六条`
    },
    {
      code: 'LD-10',
      name: '宣传宪法、法律、法规和国家政策，维护居民合法权益，教育居民履行依法应尽的义务',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第三条第（一）项`,
      fundingRequired: false,
      source: `${ZHANGJIAGANG} Ⅱ; 城市居民委员会组织法第三条`
    },
    {
      code: 'LD-11',
      name: '开展社会主义精神文明建设活动，教育居民爱护公共财产',
      sector: 'propaganda',
      responsibleDepartment: '党委宣传部（文明办）',
      legalBasis: `${ORGANIC_LAW}第三条第（一）项`,
      fundingRequired: false,
      source: `${ZHANGJIAGANG} Ⅱ; 城市居民委员会组织法第三条`
    },
    {
      code: 'LD-12',
      name: '向人民政府或者其派出机关反映居民的意见、要求和提出建议',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第三条第（六）项`,
      fundingRequired: false,
      source: `${NANJING} §二.13; 城市居民委员会组织法第三条`
    },
    {
      code: 'LD-13',
      name: '实行居务公开，公开居务、财务事项',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第十六条；中共中央 国务院《关于加强和完善城乡社区治理的意见》（2017年）`,
      fundingRequired: false,
      source: `${NANTONG} (十八); ${WUHAN} 解读2`
    },
    {
      code: 'LD-14',
      name: '组织居民对居民委员会成员开展述职评议和民主评议',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第十条；中共中央 国务院《关于加强和完善城乡社区治理的意见》（2017年）`,
      fundingRequired: false,
      source: `${NANTONG} (十八); ${ZHANGJIAGANG} 四(二)五`
    },
    {
      code: 'LD-15',
      name: '组织开展城乡社区协商和居民议事（议事会六步工作法）',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '中共中央办公厅 国务院办公厅《关于加强城乡社区协商的意见》（中办发〔2015〕41号）',
      fundingRequired: false,
      source: `${ZHANGJIAGANG} 四(二)四, 四(二)五; ${NANJING} §二.6; ${QINGDAO} 以协商促共治`
    },
    {
      code: 'LD-16',
      name: '依法组织居民委员会换届选举',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第八条`,
      fundingRequired: false,
      source: `${NANTONG} (十七); 城市居民委员会组织法第八条`
    },
    {
      code: 'LD-17',
      name: '分设居民小组，推选居民小组长和楼院门栋长',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第十四条`,
      fundingRequired: false,
      source: `${NANTONG} (七); ${ZHANGJIAGANG} 四(一)一; 城市居民委员会组织法第十四条`
    },
    {
      code: 'LD-18',
      name: '在多民族居住地区教育居民互相帮助、互相尊重，加强民族团结',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第五条`,
      fundingRequired: false,
      source: `${ZHANGJIAGANG} Ⅱ; 城市居民委员会组织法第五条`
    },
    {
      code: 'LD-19',
      name: '联系驻区机关、团体、企业事业单位，开展共驻共建',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: `${ORGANIC_LAW}第十九条`,
      fundingRequired: false,
      source: `${NANJING} §二.7; ${ZHANGJIAGANG} 四(四)二; 城市居民委员会组织法第十九条`
    },
    {
      code: 'LD-20',
      name: '组织居民开展社区志愿服务和邻里互助',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '《志愿服务条例》',
      fundingRequired: false,
      source: `${NANJING} §二.8; ${NANTONG} (六)`
    },
    {
      code: 'LD-21',
      name: '指导和协助设立业主大会、选举业主委员会，指导监督业主委员会依法履职',
      sector: 'housing',
      responsibleDepartment: '住房和城乡建设局',
      legalBasis: '《中华人民共和国民法典》第二百七十七条；《物业管理条例》第二十条',
      fundingRequired: false,
      source: `${NANJING} §二.6; ${WUHAN} 解读3`
    },
    {
      code: 'LD-22',
      name: '依法指定监护人或者担任监护人',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '《中华人民共和国民法典》第三十一条、第三十二条',
      fundingRequired: false,
      source: `${ZHANGJIAGANG} Ⅱ; 民法典第三十一条、第三十二条`
    }
  ],

  // 基层群众自治组织协助政府工作事项: each names the responsible department and
  // must carry funding (费随事转、事费配套). No item sets a funding standard: the
  // published lists carry no per-item amounts (cities publish lump sums per
  // community per year), so a city pack sets its own, with the document that sets it.
  // An item about a population covers that population's registration, surveys and
  // data updates as well as services to it.
  assisted_tasks: [
    {
      code: 'AT-01',
      name: '协助维护社会治安，组织群防群治和治安巡逻',
      sector: 'public_security',
      responsibleDepartment: '公安局',
      legalBasis: `${ORGANIC_LAW}第三条第（四）项；《中华人民共和国宪法》第一百一十一条`,
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.5, §二.8; ${NANTONG} (四)`
    },
    {
      code: 'AT-02',
      name: '协助开展禁毒宣传教育，落实禁毒防范措施',
      sector: 'drug_control',
      responsibleDepartment: '禁毒委员会办公室（公安局）',
      legalBasis: '《中华人民共和国禁毒法》第十七条',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (四)`
    },
    {
      code: 'AT-03',
      name: '协助街道落实社区戒毒、社区康复人员帮扶措施',
      population: '社区戒毒、社区康复人员',
      sector: 'drug_control',
      responsibleDepartment: '禁毒委员会办公室（公安局）',
      legalBasis: '《中华人民共和国禁毒法》第三十四条；《戒毒条例》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (四)`
    },
    {
      code: 'AT-04',
      name: '协助开展流动人口和出租房屋服务管理',
      population: '流动人口',
      sector: 'public_security',
      responsibleDepartment: '公安局',
      legalBasis: '《居住证暂行条例》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${WUHAN} 解读1; ${NANJING} §二.5`
    },
    {
      code: 'AT-05',
      name: '协助开展反电信网络诈骗宣传',
      sector: 'public_security',
      responsibleDepartment: '公安局',
      legalBasis: '《中华人民共和国反电信网络诈骗法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.5`
    },
    {
      code: 'AT-06',
      name: '协助开展群众性消防工作，组织制定防火安全公约和消防宣传',
      sector: 'fire_rescue',
      responsibleDepartment: '消防救援大队',
      legalBasis: '《中华人民共和国消防法》第三十二条',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (四)`
    },
    {
      code: 'AT-07',
      name: '协助开展传染病预防控制和突发公共卫生事件应对',
      sector: 'health',
      responsibleDepartment: '卫生健康委员会',
      legalBasis: `${ORGANIC_LAW}第三条第（五）项；《中华人民共和国传染病防治法》`,
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (二), (四); ${NANJING} §二.5`
    },
    {
      code: 'AT-08',
      name: '协助开展爱国卫生运动和健康教育',
      sector: 'health',
      responsibleDepartment: '卫生健康委员会',
      legalBasis: '《国务院关于深入开展爱国卫生运动的意见》（国发〔2020〕15号）',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (二)`
    },
    {
      code: 'AT-09',
      name: '协助做好计划生育、人口家庭服务和妇幼健康宣传',
      sector: 'health',
      responsibleDepartment: '卫生健康委员会',
      legalBasis: `${ORGANIC_LAW}第三条第（五）项；《中华人民共和国人口与计划生育法》第十二条`,
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (二); ${ZHANGJIAGANG} 四(三)二`
    },
    {
      code: 'AT-10',
      name: '协助开展严重精神障碍患者关爱帮扶',
      population: '严重精神障碍患者',
      sector: 'health',
      responsibleDepartment: '卫生健康委员会',
      legalBasis: '《中华人民共和国精神卫生法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (四)`
    },
    {
      code: 'AT-11',
      name: '协助做好优抚对象服务和退役军人服务保障',
      population: '优抚对象和退役军人',
      sector: 'veterans_affairs',
      responsibleDepartment: '退役军人事务局',
      legalBasis: `${ORGANIC_LAW}第三条第（五）项；《中华人民共和国退役军人保障法》；《军人抚恤优待条例》`,
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${ZHANGJIAGANG} 四(三)二`
    },
    {
      code: 'AT-12',
      name: '协助社区矫正机构做好社区矫正工作',
      population: '社区矫正对象',
      sector: 'justice',
      responsibleDepartment: '司法局',
      legalBasis: '《中华人民共和国社区矫正法》第十二条',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (四)`
    },
    {
      code: 'AT-13',
      name: '协助做好刑满释放人员安置帮教',
      population: '刑满释放人员',
      sector: 'justice',
      responsibleDepartment: '司法局',
      legalBasis: '《中华人民共和国监狱法》第三十七条',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (四); ${NANJING} §二.8`
    },
    {
      code: 'AT-14',
      name: '协助开展普法宣传、法律援助咨询和公共法律服务',
      sector: 'justice',
      responsibleDepartment: '司法局',
      legalBasis: '《中华人民共和国法律援助法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.8; ${ZHANGJIAGANG} 四(三)二`
    },
    {
      code: 'AT-15',
      name: '协助开展就业失业登记、就业援助和就业培训宣传',
      population: '就业困难人员和失业人员',
      sector: 'human_resources',
      responsibleDepartment: '人力资源和社会保障局',
      legalBasis: '《中华人民共和国就业促进法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.13; ${ZHANGJIAGANG} 四(三)二`
    },
    {
      code: 'AT-16',
      name: '协助城乡居民基本养老保险参保宣传和待遇领取服务',
      sector: 'human_resources',
      responsibleDepartment: '人力资源和社会保障局',
      legalBasis: '《中华人民共和国社会保险法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.13`
    },
    {
      code: 'AT-17',
      name: '协助城乡居民基本医疗保险参保动员',
      sector: 'medical_security',
      responsibleDepartment: '医疗保障局',
      legalBasis: '《中华人民共和国社会保险法》第二十五条',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.5`
    },
    {
      code: 'AT-18',
      name: '协助开展社会救助困难排查、入户调查和公示',
      population: '社会救助对象',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '《社会救助暂行办法》第十一条',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${ZHANGJIAGANG} 四(三)二; ${NANJING} §二.13`
    },
    {
      code: 'AT-19',
      name: '协助开展特困人员、低保对象和临时救助对象探访关爱',
      population: '特困人员、低保对象和临时救助对象',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '《社会救助暂行办法》；《特困人员认定办法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${ZHANGJIAGANG} 四(三)二`
    },
    {
      code: 'AT-20',
      name: '协助维护老年人合法权益，开展居家社区养老服务',
      population: '老年人',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '《中华人民共和国老年人权益保障法》第七条',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${ZHANGJIAGANG} 四(三)二; ${NANJING} §二.9`
    },
    {
      code: 'AT-21',
      name: '协助高龄津贴、养老服务补贴申请受理和发放核对',
      population: '高龄老人',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '《中华人民共和国老年人权益保障法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${ZHANGJIAGANG} 四(三)二`
    },
    {
      code: 'AT-22',
      name: '协助开展未成年人保护和困境儿童、留守儿童关爱',
      population: '未成年人、困境儿童和留守儿童',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '《中华人民共和国未成年人保护法》第四十三条',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${ZHANGJIAGANG} 四(三)二`
    },
    {
      code: 'AT-23',
      name: '协助开展残疾人康复、就业和辅助器具服务',
      population: '残疾人',
      sector: 'disabled_persons',
      responsibleDepartment: '残疾人联合会',
      legalBasis: '《中华人民共和国残疾人保障法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${ZHANGJIAGANG} 四(三)二; ${NANJING} §二.13`
    },
    {
      code: 'AT-24',
      name: '协助开展妇女儿童权益保护和反家庭暴力工作',
      population: '妇女儿童',
      sector: 'women_federation',
      responsibleDepartment: '妇女联合会',
      legalBasis: '《中华人民共和国妇女权益保障法》；《中华人民共和国反家庭暴力法》第十三条',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.7`
    },
    {
      code: 'AT-25',
      name: '协助开展青少年教育和校外关爱活动',
      sector: 'youth_league',
      responsibleDepartment: '共青团委员会',
      legalBasis: `${ORGANIC_LAW}第三条第（五）项；《中华人民共和国预防未成年人犯罪法》`,
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.7`
    },
    {
      code: 'AT-26',
      name: '协助开展防灾减灾宣传、应急演练和灾情信息报告',
      sector: 'emergency_management',
      responsibleDepartment: '应急管理局',
      legalBasis: '《中华人民共和国突发事件应对法》；《自然灾害救助条例》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (四)`
    },
    {
      code: 'AT-27',
      name: '协助开展安全生产宣传，发现事故隐患及时报告',
      sector: 'emergency_management',
      responsibleDepartment: '应急管理局',
      legalBasis: '《中华人民共和国安全生产法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (四)`
    },
    {
      code: 'AT-28',
      name: '协助做好兵役登记和国防教育',
      population: '适龄青年',
      sector: 'military_service',
      responsibleDepartment: '人民武装部',
      legalBasis: '《中华人民共和国兵役法》；《中华人民共和国国防教育法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${ZHANGJIAGANG} Ⅱ`
    },
    {
      code: 'AT-29',
      name: '协助开展征兵宣传和适龄青年应征动员',
      sector: 'military_service',
      responsibleDepartment: '人民武装部',
      legalBasis: '《中华人民共和国兵役法》；《征兵工作条例》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${ZHANGJIAGANG} Ⅱ`
    },
    {
      code: 'AT-30',
      name: '协助开展全国人口普查',
      sector: 'statistics',
      responsibleDepartment: '统计局',
      legalBasis: '《中华人民共和国统计法》；《全国人口普查条例》',
      fundingRequired: true,
      kinds: ['data_collection', 'service'],
      source: `${MINFA_2015_136}; ${NANJING} §二.5`
    },
    {
      code: 'AT-31',
      name: '协助开展全国经济普查单位清查',
      sector: 'statistics',
      responsibleDepartment: '统计局',
      legalBasis: '《中华人民共和国统计法》；《全国经济普查条例》',
      fundingRequired: true,
      kinds: ['data_collection', 'service'],
      source: `${MINFA_2015_136}; ${NANJING} §二.5`
    },
    {
      code: 'AT-32',
      name: '协助开展人口抽样调查等国家统计调查',
      sector: 'statistics',
      responsibleDepartment: '统计局',
      legalBasis: '《中华人民共和国统计法》',
      fundingRequired: true,
      kinds: ['data_collection', 'service'],
      source: `${MINFA_2015_136}; ${NANJING} §二.5`
    },
    {
      code: 'AT-33',
      name: '协助开展消费者权益保护宣传和消费维权引导',
      sector: 'market_regulation',
      responsibleDepartment: '市场监督管理局',
      legalBasis: '《中华人民共和国消费者权益保护法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.5`
    },
    {
      code: 'AT-34',
      name: '协助开展食品药品安全宣传',
      sector: 'market_regulation',
      responsibleDepartment: '市场监督管理局',
      legalBasis: '《中华人民共和国食品安全法》；《中华人民共和国药品管理法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (四)`
    },
    {
      code: 'AT-35',
      name: '协助开展公共文化服务和群众性文化体育活动',
      sector: 'culture_tourism',
      responsibleDepartment: '文化和旅游局',
      legalBasis: '《中华人民共和国公共文化服务保障法》；《全民健身条例》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (三); ${WUHAN} 解读2`
    },
    {
      code: 'AT-36',
      name: '协助开展社区教育和居民学校活动',
      sector: 'education',
      responsibleDepartment: '教育局',
      legalBasis: '《中华人民共和国教育法》；《教育部等九部门关于进一步推进社区教育发展的意见》（教职成〔2016〕4号）',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANTONG} (三)`
    },
    {
      code: 'AT-37',
      name: '协助开展生活垃圾分类宣传和居民动员',
      sector: 'urban_management',
      responsibleDepartment: '城市管理局',
      legalBasis: '《中华人民共和国固体废物污染环境防治法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.5`
    },
    {
      code: 'AT-38',
      name: '协助开展生态环境保护宣传',
      sector: 'ecology_environment',
      responsibleDepartment: '生态环境局',
      legalBasis: '《中华人民共和国环境保护法》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.5`
    },
    {
      code: 'AT-39',
      name: '协助人民政府管理宗教事务，开展民族宗教政策宣传',
      sector: 'ethnic_religious',
      responsibleDepartment: '民族宗教事务局',
      legalBasis: '《宗教事务条例》第六条',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.5`
    },
    {
      code: 'AT-40',
      name: '协助开展殡葬改革和移风易俗宣传',
      sector: 'civil_affairs',
      responsibleDepartment: '民政局',
      legalBasis: '《殡葬管理条例》',
      fundingRequired: true,
      source: `${MINFA_2015_136}; ${NANJING} §二.5`
    }
  ],

  // 出具证明事项: certificates a community may issue, each with an explicit basis
  // inside the committee's own duties (民发〔2020〕20号). A certificate name matches
  // an item only when ALL of the item's keywords appear in it. The negative list
  // below is checked first: a name with any prohibited keyword is refused unless
  // one of that item's exceptions also appears.
  certificates: [
    {
      code: 'CT-01',
      name: '亲属关系证明（仅用于公证机构办理公证）',
      keywords: ['亲属关系', '公证'],
      legalBasis: `${MINFA_2020_20}（亲属关系证明仅用于公证的例外）；《公证程序规则》`,
      source: `${MINFA_2020_20}; ${NANJING} §二.11`
    },
    {
      code: 'CT-02',
      name: '居民委员会指定监护人的书面意见',
      keywords: ['指定', '监护'],
      legalBasis: '《中华人民共和国民法典》第三十一条',
      source: `${MINFA_2020_20}; ${NANJING} §二.11`
    },
    {
      code: 'CT-03',
      name: '推荐本社区公民担任诉讼代理人的推荐材料',
      keywords: ['诉讼代理', '推荐'],
      legalBasis: '《中华人民共和国民事诉讼法》第六十一条；《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第八十八条',
      source: `${MINFA_2020_20}; ${NANJING} §二.11`
    },
    {
      code: 'CT-04',
      name: '人民调解委员会制作的人民调解协议书',
      keywords: ['人民调解', '协议书'],
      legalBasis: '《中华人民共和国人民调解法》第二十八条、第二十九条',
      source: `${MINFA_2020_20}; ${NANJING} §二.6`
    },
    {
      code: 'CT-05',
      name: '本社区组织的志愿服务活动的志愿服务记录证明',
      keywords: ['志愿服务', '记录'],
      legalBasis: '《志愿服务条例》；民政部《志愿服务记录与证明出具办法（试行）》',
      source: `${MINFA_2020_20}; ${NANJING} §二.8`
    },
    {
      code: 'CT-06',
      name: '居民委员会收到的家庭暴力投诉、反映或者求助记录',
      keywords: ['家庭暴力', '记录'],
      legalBasis: '《中华人民共和国反家庭暴力法》第十三条；《最高人民法院关于办理人身安全保护令案件适用法律若干问题的规定》第六条',
      source: `${MINFA_2020_20}; ${NANJING} §二.11`
    },
    {
      code: 'CT-07',
      name: '应征公民政治考核中的居民委员会意见',
      keywords: ['应征', '政治考核'],
      legalBasis: '《中华人民共和国兵役法》；《征兵政治考核工作规定》',
      source: `${MINFA_2020_20}; ${NANJING} §二.11`
    },
    {
      code: 'CT-08',
      name: '社区矫正调查评估中的居住地居民委员会意见',
      keywords: ['调查评估', '意见'],
      legalBasis: '《中华人民共和国社区矫正法》第十八条；《中华人民共和国社区矫正法实施办法》第十四条',
      source: `${MINFA_2020_20}; ${NANTONG} (四)`
    },
    {
      code: 'CT-09',
      name: '居民会议（居民代表会议）决议',
      keywords: ['居民会议', '决议'],
      legalBasis: `${ORGANIC_LAW}第十条`,
      source: `${MINFA_2020_20}; ${ZHANGJIAGANG} 四(二)四`
    }
  ],

  negative: [
    // (a) 不应由基层群众性自治组织出具证明事项清单（第一批）, 民发〔2020〕20号.
    // ANY keyword in a certificate name identifies the item; an exception phrase
    // anywhere in the name lifts it.
    {
      code: 'NC-01',
      name: '亲属关系证明',
      rule: 'unverifiable_certificate',
      keywords: ['亲属关系', '亲属证明', '直系亲属'],
      // Only a certificate for a notary (民发〔2020〕20号's known exception); 非公证用途 is no exception.
      exceptions: ['用于公证', '办理公证', '公证机构', '继承公证', '公证处'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-02',
      name: '居民身份信息证明',
      rule: 'unverifiable_certificate',
      keywords: ['身份信息', '身份证明', '同一人', '户籍证明'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-03',
      name: '户口登记项目内容变更申请证明',
      rule: 'unverifiable_certificate',
      keywords: ['户口登记', '户籍登记', '户口项目', '户口变更', '户籍变更', '户口更正'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-04',
      name: '居民养犬证明',
      rule: 'unverifiable_certificate',
      keywords: ['养犬', '犬只', '养狗'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-05',
      name: '无犯罪记录证明',
      rule: 'unverifiable_certificate',
      keywords: ['无犯罪', '犯罪记录', '违法犯罪'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-06',
      name: '社区戒毒社区康复人员情况证明',
      rule: 'unverifiable_certificate',
      keywords: ['社区戒毒', '戒毒', '吸毒', '社区康复人员'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-07',
      name: '人员失踪证明',
      rule: 'unverifiable_certificate',
      keywords: ['失踪', '下落不明', '走失'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-08',
      name: '婚姻状况证明',
      rule: 'unverifiable_certificate',
      keywords: ['婚姻', '未婚', '已婚', '离婚', '离异', '丧偶', '单身', '再婚'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-09',
      name: '出生证明',
      rule: 'unverifiable_certificate',
      keywords: ['出生'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-10',
      name: '健在证明',
      rule: 'unverifiable_certificate',
      keywords: ['健在', '生存', '在世', '存活'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-11',
      name: '死亡证明',
      rule: 'unverifiable_certificate',
      keywords: ['死亡', '去世', '亡故', '身故', '逝世'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-12',
      name: '疾病状况证明',
      rule: 'unverifiable_certificate',
      keywords: ['疾病', '患病', '病情', '病史', '伤病', '健康状况'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-13',
      name: '残疾状况证明',
      rule: 'unverifiable_certificate',
      keywords: ['残疾', '伤残'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-14',
      name: '婚育状况证明',
      rule: 'unverifiable_certificate',
      keywords: ['婚育', '生育', '未育', '独生子女', '计划生育'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-15',
      name: '居民就业状况证明',
      rule: 'unverifiable_certificate',
      keywords: ['就业', '失业', '无业', '待业'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-16',
      name: '居民个人档案证明',
      rule: 'unverifiable_certificate',
      keywords: ['个人档案', '档案'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-17',
      name: '居民财产证明',
      rule: 'unverifiable_certificate',
      keywords: ['财产', '房产', '存款', '收入', '经济状况'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-18',
      name: '遗产继承权证明',
      rule: 'unverifiable_certificate',
      keywords: ['继承', '遗产'],
      // A kinship certificate for an inheritance notarisation is CT-01, not an
      // inheritance-right certificate.
      exceptions: ['继承公证'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-19',
      name: '市场主体住所证明',
      rule: 'unverifiable_certificate',
      keywords: ['住所', '经营场所', '营业场所', '市场主体', '注册地址'],
      source: MINFA_2020_20
    },
    {
      code: 'NC-20',
      name: '证件遗失证明',
      rule: 'unverifiable_certificate',
      keywords: ['遗失', '丢失', '灭失'],
      source: MINFA_2020_20
    },

    // (b) What may never be pushed down to a community (负面清单).
    {
      code: 'NG-01',
      name: '招商引资任务和指标',
      rule: 'economic_target',
      keywords: ['招商引资', '引资任务', '引资指标', '招商任务', '招商指标'],
      source: `${MINFA_2015_136}; ${NANJING} §二.11, §二.17; ${WUHAN} 解读2`
    },
    {
      code: 'NG-02',
      name: '协税护税任务',
      rule: 'economic_target',
      keywords: ['协税护税', '税收任务', '税收指标', '征税任务'],
      source: `${MINFA_2015_136}; ${NANJING} §二.11`
    },
    {
      code: 'NG-03',
      name: '经济创收任务',
      rule: 'economic_target',
      keywords: ['经济创收', '创收任务', '创收指标'],
      source: `${MINFA_2015_136}; ${NANJING} §二.11`
    },
    {
      code: 'NG-04',
      name: '地区生产总值（GDP）等经济发展目标任务',
      rule: 'economic_target',
      keywords: ['GDP', '地区生产总值', '经济发展目标', '经济增长指标'],
      source: `${NANJING} §二.11, §二.17; ${WUHAN} 解读2`
    },
    {
      code: 'NG-05',
      name: '固定资产投资指标',
      rule: 'economic_target',
      keywords: ['固定资产投资'],
      source: `${NANJING} §二.17`
    },
    {
      code: 'NG-06',
      name: '社会消费品零售总额指标',
      rule: 'economic_target',
      keywords: ['社会消费品零售总额'],
      source: `${NANJING} §二.17`
    },
    {
      code: 'NG-07',
      name: '财税增长指标',
      rule: 'economic_target',
      keywords: ['财税增长', '财政收入任务', '税收增长'],
      source: `${NANJING} §二.1, §二.17; ${WUHAN} 解读2`
    },
    {
      code: 'NG-08',
      name: '商业保险推销任务',
      rule: 'economic_target',
      keywords: ['商业保险', '保险推销', '推销保险', '保险销售'],
      source: XIANG_2020_41
    },
    {
      code: 'NG-09',
      name: '报刊订阅征订任务',
      rule: 'economic_target',
      keywords: ['报刊征订', '报刊订阅', '征订报刊', '订阅报刊', '征订任务'],
      source: XIANG_2020_41
    },
    {
      code: 'NG-10',
      name: '以社区为责任主体的行政执法',
      rule: 'not_responsible_subject',
      keywords: ['行政执法', '综合执法', '执法主体', '行政处罚', '行政强制'],
      source: `${MINFA_2015_136}; ${WUHAN} 解读3`
    },
    {
      code: 'NG-11',
      name: '以社区为责任主体的拆迁拆违',
      rule: 'not_responsible_subject',
      keywords: ['拆违', '拆除违法建设', '拆除违章', '违建拆除', '拆迁拆违'],
      source: `${MINFA_2015_136}; ${WUHAN} 解读3`
    },
    {
      code: 'NG-12',
      name: '以社区为责任主体的环境整治',
      rule: 'not_responsible_subject',
      keywords: ['环境整治责任', '环境整治任务', '环境综合整治责任'],
      source: `${MINFA_2015_136}; ${WUHAN} 解读3`
    },
    {
      code: 'NG-13',
      name: '以社区为责任主体的城市管理',
      rule: 'not_responsible_subject',
      keywords: ['城市管理责任', '城管执法', '城市管理执法', '占道经营查处'],
      source: `${MINFA_2015_136}; ${WUHAN} 解读3`
    },
    {
      code: 'NG-14',
      name: '承担其他部门的投诉办理职责',
      rule: 'not_responsible_subject',
      keywords: ['投诉办理职责', '投诉处理职责', '代办投诉', '部门投诉'],
      source: XIANG_2020_41
    },
    {
      code: 'NG-15',
      name: '职能部门单独组织的考核、评比、排名',
      rule: 'separate_assessment',
      keywords: ['单项考核', '单独考核', '考核评比', '评比', '排名通报', '考核排名'],
      source: `${NANJING} §二.11, §二.17; ${WUHAN} 解读3; ${ZHANGJIAGANG} 四(三)一`
    },
    {
      code: 'NG-16',
      name: '创建达标活动',
      rule: 'separate_assessment',
      keywords: ['创建达标', '达标创建', '达标验收', '创建评比'],
      source: `${NANJING} §二.11; ${ZHANGJIAGANG} 四(三)一`
    },
    {
      code: 'NG-17',
      name: '签订责任状',
      rule: 'separate_assessment',
      keywords: ['责任状', '目标责任书'],
      source: `${XIANG_2020_41}; ${WUHAN} 解读3`
    },
    {
      code: 'NG-18',
      name: '一票否决',
      rule: 'separate_assessment',
      keywords: ['一票否决'],
      source: `${XIANG_2020_41}; ${NANJING} §二.11`
    },
    {
      code: 'NG-19',
      name: '在社区设立专门机构',
      rule: 'organization_or_plaque',
      keywords: ['设立机构', '设置机构', '专门机构', '成立领导小组', '设立工作站'],
      source: `${NANJING} §二.5; ${ZHANGJIAGANG} 四(三)一`
    },
    {
      code: 'NG-20',
      name: '在社区挂专门牌子',
      rule: 'organization_or_plaque',
      keywords: ['挂牌', '牌子', '牌匾', '标牌'],
      exceptions: ['挂牌督办'],
      source: `${NANJING} §二.5; ${ZHANGJIAGANG} 四(三)一`
    },
    {
      code: 'NG-21',
      name: '要求关注公众号、下载注册APP、转发点赞',
      rule: 'ledger_or_stamp',
      keywords: ['关注公众号', '关注微信公众号', '扫码关注', 'APP注册', '下载注册', '下载APP', '转发点赞'],
      source: XIANG_2020_41
    },
    {
      code: 'NG-22',
      name: '重复报送、多头填报报表',
      rule: 'ledger_or_stamp',
      keywords: ['重复填报', '重复报送', '多头填报', '多头报送', '重复报表'],
      source: `${XIANG_2020_41}; 一表通`
    },
    {
      code: 'NG-23',
      name: '台账和痕迹管理任务',
      rule: 'ledger_or_stamp',
      keywords: ['台账', '台帐', '痕迹管理', '留痕'],
      source: `${ZHANGJIAGANG} 四(三)一; ${XIANG_2020_41}`
    },
    {
      code: 'NG-24',
      name: '盖章项目',
      rule: 'ledger_or_stamp',
      keywords: ['盖章', '加盖公章'],
      source: `${ZHANGJIAGANG} 四(三)一`
    }
  ]
}
