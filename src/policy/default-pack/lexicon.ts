import type { LexiconEntry } from '../types.js'

// The text lexicon of the default pack. Matching is a plain
// substring search in the title and description (Latin letters folded to lower
// case); an occurrence lying inside an occurrence of one of the entry's
// `innocent` phrases is masked.
//
// strong: unambiguous; fires the category's own rule (reject, or escalate for
//   ledger_or_stamp). A false reject is worse than an escalation, so a strong
//   term is masked in contexts that negate it or only cooperate with the
//   responsible department; the weak term of the same family still escalates there.
// weak: ambiguous; only asks a human to look (suspected_misdeclaration).
//
// Near misses kept clear on purpose: no term occurs inside 经济普查 (assisted
// statistics work), 经济困难, 家庭经济状况, nor inside 人民调解委员会,
// 治安保卫委员会, 公共卫生委员会 (setting these up is a lawful duty).
//
// Sources: economic_target 000 §二.11/§二.17, 002 解读2, 民发〔2015〕136号, 湘民发〔2020〕41号;
// unverifiable_certificate 000 §二.11, 民发〔2020〕20号; not_responsible_subject 002 解读3;
// separate_assessment 000 §二.11/§二.17, 002 解读3, 004 四(三)一; organization_or_plaque
// 000 §二.5; ledger_or_stamp 004 四(三)一, 湘民发〔2020〕41号.

export const DEFAULT_LEXICON: LexiconEntry[] = [
  // economic_target — strong
  { category: 'economic_target', term: '招商引资', strength: 'strong', innocent: ['取消招商引资', '不再承担招商引资', '不承担招商引资', '剥离招商引资'] },
  { category: 'economic_target', term: '引资任务', strength: 'strong' },
  { category: 'economic_target', term: '引资指标', strength: 'strong' },
  { category: 'economic_target', term: '招商任务', strength: 'strong' },
  { category: 'economic_target', term: '招商指标', strength: 'strong' },
  { category: 'economic_target', term: '协税护税', strength: 'strong', innocent: ['取消协税护税', '不再承担协税护税', '不承担协税护税'] },
  { category: 'economic_target', term: '税收任务', strength: 'strong' },
  { category: 'economic_target', term: '税收指标', strength: 'strong' },
  { category: 'economic_target', term: '财税增长', strength: 'strong' },
  { category: 'economic_target', term: 'GDP', strength: 'strong', innocent: ['取消GDP考核'] },
  { category: 'economic_target', term: '地区生产总值', strength: 'strong' },
  // Counting investment or retail sales is statistics work; being set a figure for them is a target.
  { category: 'economic_target', term: '固定资产投资', strength: 'strong', innocent: ['固定资产投资…统计', '固定资产投资…调查', '固定资产投资…入库'] },
  { category: 'economic_target', term: '社会消费品零售总额', strength: 'strong', innocent: ['社会消费品零售总额…统计', '社会消费品零售总额…调查'] },
  { category: 'economic_target', term: '征税任务', strength: 'strong' },
  { category: 'economic_target', term: '经济发展目标', strength: 'strong', innocent: ['不再…经济发展目标', '取消…经济发展目标'] },
  { category: 'economic_target', term: '经济增长指标', strength: 'strong' },
  { category: 'economic_target', term: '财政收入任务', strength: 'strong' },
  { category: 'economic_target', term: '税收增长', strength: 'strong' },
  { category: 'economic_target', term: '拉投资', strength: 'strong' },
  { category: 'economic_target', term: '保险销售', strength: 'strong' },
  { category: 'economic_target', term: '经济创收', strength: 'strong', innocent: ['取消经济创收'] },
  { category: 'economic_target', term: '创收任务', strength: 'strong' },
  { category: 'economic_target', term: '创收指标', strength: 'strong' },
  { category: 'economic_target', term: '商业保险销售', strength: 'strong' },
  { category: 'economic_target', term: '商业保险任务', strength: 'strong' },
  { category: 'economic_target', term: '商业保险指标', strength: 'strong' },
  { category: 'economic_target', term: '推销保险', strength: 'strong' },
  { category: 'economic_target', term: '保险推销', strength: 'strong' },
  { category: 'economic_target', term: '报刊征订', strength: 'strong' },
  { category: 'economic_target', term: '征订报刊', strength: 'strong' },
  { category: 'economic_target', term: '报刊订阅', strength: 'strong', innocent: ['阅览室报刊订阅', '书屋报刊订阅'] },
  { category: 'economic_target', term: '订阅报刊', strength: 'strong' },
  { category: 'economic_target', term: '征订任务', strength: 'strong' },
  // economic_target — weak
  { category: 'economic_target', term: '招商', strength: 'weak', innocent: ['招商银行', '招商局', '招商证券', '招商蛇口'] },
  { category: 'economic_target', term: '引资', strength: 'weak' },
  { category: 'economic_target', term: '税源', strength: 'weak' },
  { category: 'economic_target', term: '经济指标', strength: 'weak' },
  { category: 'economic_target', term: '创收', strength: 'weak' },
  { category: 'economic_target', term: '商业保险', strength: 'weak' },
  { category: 'economic_target', term: '销售任务', strength: 'weak' },
  { category: 'economic_target', term: '产值', strength: 'weak' },

  // unverifiable_certificate — strong: only an order to issue a certificate on
  // the national negative list (民发〔2020〕20号); negations are masked.
  { category: 'unverifiable_certificate', term: '开具无犯罪记录证明', strength: 'strong', innocent: ['不再开具无犯罪记录证明', '不得开具无犯罪记录证明', '无需开具无犯罪记录证明'] },
  { category: 'unverifiable_certificate', term: '出具无犯罪记录证明', strength: 'strong', innocent: ['不再出具无犯罪记录证明', '不得出具无犯罪记录证明', '无需出具无犯罪记录证明'] },
  { category: 'unverifiable_certificate', term: '开具健在证明', strength: 'strong', innocent: ['不再开具健在证明', '不得开具健在证明', '无需开具健在证明'] },
  { category: 'unverifiable_certificate', term: '出具健在证明', strength: 'strong', innocent: ['不再出具健在证明', '不得出具健在证明', '无需出具健在证明'] },
  { category: 'unverifiable_certificate', term: '开具生存证明', strength: 'strong', innocent: ['不再开具生存证明', '不得开具生存证明', '无需开具生存证明'] },
  { category: 'unverifiable_certificate', term: '开具死亡证明', strength: 'strong', innocent: ['不再开具死亡证明', '不得开具死亡证明', '无需开具死亡证明'] },
  { category: 'unverifiable_certificate', term: '开具婚姻状况证明', strength: 'strong', innocent: ['不再开具婚姻状况证明', '不得开具婚姻状况证明', '无需开具婚姻状况证明'] },
  { category: 'unverifiable_certificate', term: '开具证件遗失证明', strength: 'strong', innocent: ['不再开具证件遗失证明', '不得开具证件遗失证明'] },
  { category: 'unverifiable_certificate', term: '开具居民财产证明', strength: 'strong', innocent: ['不再开具居民财产证明', '不得开具居民财产证明'] },
  { category: 'unverifiable_certificate', term: '开具养犬证明', strength: 'strong', innocent: ['不再开具养犬证明', '不得开具养犬证明'] },
  // unverifiable_certificate — weak
  {
    category: 'unverifiable_certificate',
    term: '证明',
    strength: 'weak',
    innocent: ['实践证明', '事实证明', '实践已经证明', '证明了', '有效身份证明', '身份证明文件', '志愿服务记录证明']
  },
  { category: 'unverifiable_certificate', term: '开具', strength: 'weak', innocent: ['开具发票', '开具收据'] },
  { category: 'unverifiable_certificate', term: '出具', strength: 'weak', innocent: ['出具发票', '出具收据', '出具检测报告', '出具审计报告'] },
  { category: 'unverifiable_certificate', term: '万能章', strength: 'weak' },

  // not_responsible_subject — strong
  { category: 'not_responsible_subject', term: '拆违', strength: 'strong', innocent: ['拆违宣传', '拆违政策宣传', '拆违政策解读', '不作为拆违'] },
  { category: 'not_responsible_subject', term: '行政强制', strength: 'strong', innocent: ['行政强制法'] },
  { category: 'not_responsible_subject', term: '拆除违章', strength: 'strong' },
  // 湘民发〔2020〕41号: no handling another department's complaint duties.
  { category: 'not_responsible_subject', term: '投诉处理职责', strength: 'strong' },
  { category: 'not_responsible_subject', term: '代办投诉', strength: 'strong' },
  { category: 'not_responsible_subject', term: '部门投诉', strength: 'weak' },
  { category: 'not_responsible_subject', term: '拆除违法建设', strength: 'strong', innocent: ['配合拆除违法建设宣传'] },
  { category: 'not_responsible_subject', term: '拆除违章建筑', strength: 'strong' },
  {
    category: 'not_responsible_subject',
    term: '行政执法',
    strength: 'strong',
    innocent: ['配合行政执法', '协助行政执法', '行政执法人员', '行政执法部门', '行政执法体制', '不作为行政执法', '不承担行政执法']
  },
  {
    category: 'not_responsible_subject',
    term: '综合执法',
    strength: 'strong',
    innocent: ['综合执法队', '综合执法局', '综合执法大队', '综合执法部门', '配合综合执法', '协助综合执法', '综合执法体制']
  },
  { category: 'not_responsible_subject', term: '执法主体', strength: 'strong', innocent: ['不是执法主体', '不作为执法主体', '非执法主体'] },
  { category: 'not_responsible_subject', term: '环境整治责任', strength: 'strong', innocent: ['不承担环境整治责任'] },
  { category: 'not_responsible_subject', term: '城市管理责任', strength: 'strong', innocent: ['不承担城市管理责任'] },
  // not_responsible_subject — weak
  { category: 'not_responsible_subject', term: '执法', strength: 'weak' },
  { category: 'not_responsible_subject', term: '整治', strength: 'weak' },
  { category: 'not_responsible_subject', term: '城管', strength: 'weak' },
  { category: 'not_responsible_subject', term: '拆迁', strength: 'weak' },
  { category: 'not_responsible_subject', term: '违建', strength: 'weak' },
  { category: 'not_responsible_subject', term: '违法建设', strength: 'weak' },
  { category: 'not_responsible_subject', term: '查处', strength: 'weak' },
  { category: 'not_responsible_subject', term: '行政处罚', strength: 'weak', innocent: ['行政处罚法'] },
  { category: 'not_responsible_subject', term: '投诉办理', strength: 'weak' },
  { category: 'not_responsible_subject', term: '工单', strength: 'weak' },

  // separate_assessment — strong
  // A department ranking communities is the excluded thing; residents' own 评比 (of families,
  // volunteers) is community life. So 评比 alone only escalates; 社区…评比 rejects.
  { category: 'separate_assessment', term: '评比', strength: 'weak', innocent: ['家庭…评比', '志愿者…评比', '积分评比', '综合考核评比'] },
  { category: 'separate_assessment', term: '社区…评比', strength: 'strong', innocent: ['社区…家庭…评比', '社区…志愿者…评比', '社区…积分评比'] },
  { category: 'separate_assessment', term: '评比…社区', strength: 'strong', innocent: ['家庭…评比…社区', '志愿者…评比…社区', '积分评比…社区'] },
  { category: 'separate_assessment', term: '街道…评比', strength: 'strong' },
  { category: 'separate_assessment', term: '达标验收', strength: 'strong' },
  { category: 'separate_assessment', term: '创建评比', strength: 'strong' },
  { category: 'separate_assessment', term: '目标责任书', strength: 'strong' },
  { category: 'separate_assessment', term: '排名通报', strength: 'strong' },
  { category: 'separate_assessment', term: '考核排名', strength: 'strong' },
  { category: 'separate_assessment', term: '达标创建', strength: 'strong' },
  { category: 'separate_assessment', term: '创建达标', strength: 'strong', innocent: ['清理创建达标'] },
  { category: 'separate_assessment', term: '一票否决', strength: 'strong', innocent: ['不得一票否决', '取消一票否决', '不搞一票否决'] },
  { category: 'separate_assessment', term: '责任状', strength: 'strong', innocent: ['不签责任状', '不得签订责任状'] },
  { category: 'separate_assessment', term: '单项考核', strength: 'strong', innocent: ['取消单项考核', '清理单项考核', '清理精简职能部门对街道和社区的单项考核'] },
  // separate_assessment — weak
  { category: 'separate_assessment', term: '考核', strength: 'weak', innocent: ['考核合格', '社区工作者考核', '综合考核'] },
  { category: 'separate_assessment', term: '考评', strength: 'weak', innocent: ['双向考评', '绩效综合考评'] },
  { category: 'separate_assessment', term: '排名', strength: 'weak', innocent: ['排名不分先后'] },
  { category: 'separate_assessment', term: '评选', strength: 'weak' },
  { category: 'separate_assessment', term: '创建', strength: 'weak', innocent: ['创建微信群', '创建群聊'] },
  { category: 'separate_assessment', term: '检查验收', strength: 'weak' },
  { category: 'separate_assessment', term: '责任书', strength: 'weak' },
  { category: 'separate_assessment', term: '打分', strength: 'weak' },
  { category: 'separate_assessment', term: '星级', strength: 'weak' },
  { category: 'separate_assessment', term: '星级…评定', strength: 'strong' },
  { category: 'separate_assessment', term: '评定…星级', strength: 'strong' },
  { category: 'separate_assessment', term: '评定…等次', strength: 'strong' },
  { category: 'separate_assessment', term: '评定', strength: 'weak' },
  { category: 'separate_assessment', term: '评分', strength: 'weak', innocent: ['居民评分', '群众评分'] },
  { category: 'separate_assessment', term: '通报结果', strength: 'weak' },

  // organization_or_plaque — strong
  { category: 'organization_or_plaque', term: '挂牌', strength: 'strong', innocent: ['挂牌督办', '不挂牌'] },
  { category: 'organization_or_plaque', term: '设立机构', strength: 'strong', innocent: ['不设立机构'] },
  { category: 'organization_or_plaque', term: '设置机构', strength: 'strong', innocent: ['不设置机构'] },
  { category: 'organization_or_plaque', term: '专门机构', strength: 'strong', innocent: ['不设专门机构', '不设立专门机构'] },
  { category: 'organization_or_plaque', term: '成立…领导小组', strength: 'strong', innocent: ['不再成立…领导小组'] },
  { category: 'organization_or_plaque', term: '成立…工作站', strength: 'strong' },
  { category: 'organization_or_plaque', term: '下设办公室', strength: 'strong' },
  { category: 'organization_or_plaque', term: '设立工作站', strength: 'strong' },
  { category: 'organization_or_plaque', term: '悬挂…牌子', strength: 'strong', innocent: ['不悬挂…牌子'] },
  { category: 'organization_or_plaque', term: '悬挂…标识牌', strength: 'strong', innocent: ['不悬挂…标识牌'] },
  { category: 'organization_or_plaque', term: '悬挂…牌匾', strength: 'strong', innocent: ['不悬挂…牌匾'] },
  // organization_or_plaque — weak
  {
    category: 'organization_or_plaque',
    term: '机构',
    strength: 'weak',
    innocent: [
      '社会组织和社会服务机构',
      '服务机构',
      '医疗机构',
      '医疗卫生机构',
      '养老机构',
      '金融机构',
      '教育机构',
      '培训机构',
      '托育机构',
      '公证机构',
      '社区矫正机构',
      '派出机构',
      '派驻机构',
      '机构改革'
    ]
  },
  { category: 'organization_or_plaque', term: '牌子', strength: 'weak', innocent: ['不挂…牌子', '不悬挂…牌子'] },
  { category: 'organization_or_plaque', term: '牌匾', strength: 'weak' },
  { category: 'organization_or_plaque', term: '标牌', strength: 'weak' },
  { category: 'organization_or_plaque', term: '领导小组', strength: 'weak', innocent: ['社区建设领导小组'] },
  { category: 'organization_or_plaque', term: '工作站', strength: 'weak', innocent: ['社区工作站'] },
  { category: 'organization_or_plaque', term: '阵地', strength: 'weak' },

  // ledger_or_stamp — strong (escalates: its own rule's verdict)
  { category: 'ledger_or_stamp', term: '台账', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '台帐', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '盖章', strength: 'strong', innocent: ['免盖章', '无需盖章', '不再盖章'] },
  { category: 'ledger_or_stamp', term: '报表', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '填报表格', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '关注公众号', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '关注微信公众号', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '扫码关注', strength: 'strong' },
  { category: 'ledger_or_stamp', term: 'APP注册', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '注册APP', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '下载注册', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '下载APP', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '转发点赞', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '打卡', strength: 'strong', innocent: ['打卡点', '网红打卡'] },
  { category: 'ledger_or_stamp', term: '留痕', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '痕迹管理', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '重复填报', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '重复报送', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '多头报送', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '重复报表', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '加盖公章', strength: 'strong' },
  { category: 'ledger_or_stamp', term: '多头填报', strength: 'strong' },
  // ledger_or_stamp — weak
  { category: 'ledger_or_stamp', term: '表格', strength: 'weak' },
  { category: 'ledger_or_stamp', term: '统计表', strength: 'weak' },
  { category: 'ledger_or_stamp', term: '签字', strength: 'weak' },
  { category: 'ledger_or_stamp', term: '填报', strength: 'weak' },
  { category: 'ledger_or_stamp', term: '上报材料', strength: 'weak' },
  { category: 'ledger_or_stamp', term: '会议记录', strength: 'weak' }
]
