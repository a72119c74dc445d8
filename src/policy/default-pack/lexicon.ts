import type { LexiconCues, LexiconFamily } from '../types.js'

// The text lexicon of the default pack: for each excluded category, the names of the
// excluded thing, the work that is excluded once assigned, the hints, and the verbs that
// assign it; and, for the whole pack, the words that say how a sentence uses a term.
//
// A false reject is worse than an escalation: a name or an assigned object rejects, anything
// weaker asks a person to look, and a negated, prohibited, abolished or warned-about term
// says nothing. Texts are folded before matching (traditional characters, full width,
// separators, tone marks), and the pinyin of names and objects is derived, so neither is
// listed here.
//
// Sources: economic targets — 《南京市深化街道和社区体制改革实施方案》二.11、二.17, the Wuhan
// reading 解读2, 民发〔2015〕136号, and Hunan's 八个不得 (湘民发〔2020〕41号: no quotas for
// commercial insurance or newspaper subscriptions); certificates — 南京 二.11, 民发〔2020〕20号;
// enforcement — Wuhan 解读3; assessments — 南京 二.11、二.17, Wuhan 解读3, 张家港 四(三)一,
// 湘民发〔2020〕41号 (no 责任状 or 一票否决); bodies and plaques — 南京 二.5; ledgers, forms, apps
// — 张家港 四(三)一, 湘民发〔2020〕41号 (no burden through forms, ledgers, WeChat follows or app
// registrations; no repeated or multi-channel reporting).

export const DEFAULT_CUES: LexiconCues = {
  negation: [
    '严禁', '禁止', '不得', '不准', '不许', '不允许', '不应', '不能', '不要', '不再', '不予', '不搞', '不设', '不挂', '不签', '不作', '不作为',
    '不承担', '不负责', '不涉及', '不包括', '不包含', '不属于', '不含', '不以', '无需', '无须', '不需', '不需要', '不必', '免于', '免除', '取消',
    '废止', '撤销', '叫停', '停止', '杜绝', '防止', '避免', '纠正', '坚决纠正', '清理规范', '清理精简', '清理整合', '剥离', '减少', '精简', '压减',
    '警惕', '防范…诈骗', '防范…骗', '防范不法', '防范…冒充', '谨防', '提防', '识破', '抵制', '拒绝', '反对', '并非', '不是', '切勿', '勿', '严防', '一律不', '均不', '从不', '没有',
    '谨防上当', '不参与', '不附带', '不实行', '不打分', '不排名', '不通报', '不评比', '不考核', '不检查', '不评选', '不挂牌', '不填报', '不报送', '不开具', '不出具', '不收取', '不罚款', '也不', '摘除', '摘下', '撤下', '撤除', 'mustnot', 'maynot', 'not', 'no', 'nolonger', 'prohibit', 'forbid', 'banned', 'abolish', 'cancel', 'beware', 'never'
  ],
  negationAfter: [
    '一律取消', '予以取消', '全部取消', '已取消', '已经取消', '被取消', '已废止', '已撤销', '已叫停', '不再下达', '不再保留', '不再执行', '不再要求',
    '不再开展', '不再考核', '不再', '取消', '不作为', '不承担', '不负责', '不参与', '清理', '摘除', '由公安', '由派出所', '由医院', '由…机关', '由…部门负责', '由…机构负责', '由…局负责', '由…部门承担', '由…机构承担', '由…部门实施', '不得', '严禁', '禁止', '一律不', '均不', '为名', '为幌子', '诈骗', '骗局', '陷阱', '骗术', '被骗', '属于违规', '系违规', '均属违规',
    'isabolished', 'fraud', 'scam'
  ],
  mention: [
    '宣传', '宣讲', '告知', '提示', '提醒', '普及', '科普', '讲解', '解读', '介绍', '配合', '协助', '协同', '报告', '反映', '劝导', '劝阻',
    '举报', '知晓', '讲座', '咨询', '警示', '教育', '讲清', '说明', 'publicise', 'publicize', 'inform', 'remind', 'warn', 'assist'
  ],
  mentionAfter: ['宣传', '宣讲', '政策', '知识', '提示', '讲座', '法规', '法律', '常识', '咨询', '风险', '解读', '安全'],
  obligation: [
    '须', '必须', '务必', '应当', '不得不', '不能不', '不可不', '不会不', '非…不可', '没有哪个…不', '不允许不', 'haveto', '应于', '应在', '应按', '请社区', '请各', '请你', '请于', '请按', '请在', '请做好', '请落实', '请完成',
    '需完成', '需落实', '需承担', '确保', 'must', 'shall', 'isto'
  ],
  quota: [
    '任务', '指标', '目标', '额度', '不少于', '不低于', '不得低于', '不得少于', '达到', '超过', '增长', '以上', '完成率', '考核', 'quota', 'target'
  ],
  unit: ['万元', '亿元', '元', '万', '亿', '家', '个', '项', '户', '份', '人', '单', '%', '套', '笔', '张', '次', '平方米', '亩', '件', 'yuan'],
  dangling: ['名义', '形式', '方式', '为由', '理由', '借口', '途径', '渠道', '手段']
}

export const DEFAULT_LEXICON: LexiconFamily[] = [
  {
    category: 'economic_target',
    names: [
      '引进…企业', '引进…项目', '招引…企业', '招引…项目', '引进…资金', '应收尽收', '征收任务', '税费征收',
      '招商引资', '协税护税', '招商任务', '引资任务', '招商指标', '引资指标', '税收任务', '税收指标', '征税任务', '纳税任务', '财税任务', '护税',
      '财政收入任务', '经济增长指标', '经济发展指标', '经济发展目标', '创收任务', '创收指标', '销售任务', '推销保险', '保险推销', '代销保险',
      '保险销售', '商业保险销售', '报刊征订', '征订报刊', '征订任务', '发行任务', '税收贡献', '双招双引', '招大引强', '引进项目任务', '财税增长'
    ],
    objects: [
      '注册企业', '销售', '投保', '税费',
      '投资额', '投资总额', '投资', '固定资产投资', '社会消费品零售总额', '零售额', '销售额', '营业额', '营收', '产值', '税收', '税源', '纳税额',
      '财政收入', 'GDP', '地区生产总值', '生产总值', '增加值', '项目落地', '落地项目', '签约项目', '引进项目', '企业入驻', '入驻企业', '企业落户',
      '落户企业', '引进企业', '新增企业', '市场主体', '商业保险', '保险产品', '保单', '报刊', '报纸', '杂志', '党报党刊', '订阅', '征订', '到位资金',
      '外资', '内资', '引资', '招商', '创收', '利润', '经济指标', '招商项目'
    ],
    hints: ['落地项目', '拟落地', '发行', '订阅', '拉投资', '拉赞助', '认购', '推销', '代销', '集资', '招商', '引资', '税源', '经济指标', '创收', '商业保险', '产值'],
    assignedBy: 'quota',
    verbs: ['完成', '下达', '分解', '落实', '承担', '实现', '达到', '确保', '力争', '争取', '引进', '招引', '销售', '认购', '缴纳', '上缴', '促成', '引入', '吸引', '带来', 'complete', 'meet', 'achieve', 'reach'],
    innocent: [
      '经济普查', '经济困难', '家庭经济状况', '经济状况', '招商银行', '招商局', '招商证券', '招商蛇口', '固定资产投资…统计', '统计…固定资产投资',
      '社会消费品零售总额…统计', '社会消费品零售总额…调查', '固定资产投资…调查', '固定资产投资…入库', '抽样调查', '统计…零售额', '医疗保险', '养老保险', '社会保险', '失业保险', '工伤保险', '生育保险', '护理保险', '保险参保',
      '阅览室…报刊', '书屋…报刊', '图书室…报刊', '阅览室…订阅', '书屋…订阅', '图书室…订阅', '阅览室…报纸', '阅览室…杂志', '投资…诈骗',
      '入驻企业…登记', '企业…普查', '普查…企业', '项目…普查', '个人所得税', '投资者', '创业', '订阅号', '订阅消息', '人力投资', '投资理财'
    ],
    english: {
      names: ['attractinvestment', 'investmenttarget', 'capitalattracted', 'attractcapital', 'newenterprises', 'bringin…enterprises', 'bringin…investment', 'bringin…projects', 'investmentattraction', 'investmentpromotion', 'attractinvestment', 'taxcollection', 'taxquota', 'taxtarget', 'revenuetarget', 'salesquota', 'subscriptionquota', 'insurancesales', 'sellinsurance'],
      objects: ['investment', 'taxrevenue', 'fixedasset', 'retailsales', 'gdp', 'subscriptions']
    }
  },
  {
    category: 'unverifiable_certificate',
    // The banned certificates themselves come from the negative list (keyword…证明).
    names: ['由社区…开具', '由社区…出具', '社区…统一开具', '社区…统一出具'],
    hints: ['情况说明', '签署意见', '书面意见', '予以确认', '收入情况', '居住情况', '万能章', '开证明', '证明', '开具', '出具'],
    assignedBy: 'verb',
    verbs: ['开具', '出具', '开', '核发', '签发', '盖章证明', 'issue'],
    innocent: [
      '实践证明', '事实证明', '实践已经证明', '证明了', '有效身份证明', '身份证明文件', '志愿服务记录证明', '发票', '收据', '证明材料…本人提供',
      '居民…自行', '检测报告', '审计报告', '证明事项告知承诺', '告知承诺', '身份证', '证明自己'
    ],
    english: { names: ['proofofincome', 'incomecertificate', 'proofofresidence', 'proofofemployment', 'proofofmarital', 'issue…proof', 'issue…certificate'], objects: ['certificate', 'proofoflife', 'proofof'], hints: ['confirm', 'inwriting'] }
  },
  {
    category: 'not_responsible_subject',
    names: [
      '作为…责任主体', '是…责任主体', '第一责任人', '拆掉', '强行拆', '上门拆',
      '拆违', '强拆', '强制拆除', '行政强制', '拆除违章', '拆除违法建设', '拆除违章建筑', '拆除违法建筑', '执法主体', '环境整治责任', '城市管理责任',
      '投诉处理职责', '代办投诉', '行政处罚', '没收', '罚没', '查封', '扣押', '强制执行', '强制清除', '取缔'
    ],
    objects: [
      '拆除', '拆迁', '违建', '违法建设', '违章建筑', '违法建筑', '罚款', '处罚', '执法', '行政执法', '综合执法', '查处', '整治', '城管', '占道经营',
      '流动摊贩', '摊贩', '清退', '关停', '封堵', '投诉办理', '部门投诉', '工单', '巡查执法', '收缴'
    ],
    hints: ['占道经营', '占道…处置', '城市管理', '负责跟进', '扰民', '环境整治', '整治', '部门投诉', '执法', '城管', '拆迁', '违建', '违法建设', '查处', '投诉办理', '工单'],
    assignedBy: 'verb',
    verbs: [
      '进行', '予以', '给予', '完成','负责', '承担', '牵头', '组织', '实施', '执行', '开展', '落实', '拆除', '罚', '处以', '没收', '查处', '取缔', '强制', '关停', '收缴', '查扣', '作为…主体', '作为…责任', 'beresponsiblefor', 'responsiblefor', 'carryout', 'impose', 'collect'],
    innocent: [
      '行政强制法', '行政处罚法', '综合执法队', '综合执法局', '综合执法大队', '综合执法部门', '行政执法人员', '行政执法部门', '执法部门', '执法人员',
      '执法体制', '城市管理局', '城市管理部门', '城管部门', '城管局', '城管执法局', '拆除…牌', '清理…牌', '违建…线索', '线索…违建', '违法建设…线索', '工单…转办', '拆除…小广告',
      '整治…环境卫生', '人居环境整治', '垃圾', '拆除…围挡', '装修…拆除', '拆除…包装'
    ],
    english: { hints: ['streetvending', 'dealwith'], names: ['forceddemolition', 'lawenforcement', 'illegalstructure', 'shallfine', 'impose…fine', 'levy…fine', 'enforcethe', 'enforcing', 'responsibleparty', 'responsiblesubject', 'demolishingillegal', 'demolishillegal'], objects: ['demolition', 'demolish', 'fines', 'fine', 'penalties', 'penalty', 'enforcement'] }
  },
  {
    category: 'separate_assessment',
    names: ['专项考核', '年度考核…社区', '单项评比', 
      '单独考核', '考核得分', '考核结果…挂钩', '排名…挂钩', '擂台赛', '晒成绩', '亮排名', '比学赶超', '红黄绿牌', '红黄牌', '黄牌', '年度评分',
      '末位淘汰', '一票否决', '责任状', '目标责任书', '排名通报', '通报排名', '考核排名', '达标验收', '创建评比', '达标创建', '创建达标', '单项考核',
      '创文', '创卫', '创城', '创建文明城市', '创建卫生城市', '文明城市创建', '卫生城市创建', '承诺书', '保证书', '评优', '评先', '评先评优', '评优评先',
      '星级评定', '评定…星级', '评定…等次', '打分排名', '排名靠后', '倒数'
    ],
    objects: ['评比', '评选', '排名', '考评', '打分', '评分', '检查验收', '验收', '达标', '星级', '评定', '争创', '创建', '检查', '督查', '通报', '积分', '等次'],
    hints: ['迎检', '评价社区', '综合评价', '通报', '评价', '责任书', '考核', '评比', '考评', '排名', '评选', '创建', '检查验收', '打分', '星级', '评定', '评分', '通报结果'],
    assignedBy: 'verb',
    verbs: ['开展', '组织', '参加', '参与', '迎接', '接受', '评', '创', '争创', '签订', '签署', '签', '通报', '公布', '实行', '实施', '申报', '参评', 'organise', 'organize', 'join', 'sign', 'publish'],
    innocent: [
      '家庭…评比', '家庭…评选', '居民…自主', '志愿者…评比', '居民…评议', '评议…部门', '居民…评价', '群众评价', '居民评分', '群众评分', '满意度', '评估', '考核合格',
      '社区工作者考核', '综合考核', '双向考评', '绩效综合考评', '排名不分先后', '创建微信群', '创建群聊', '创业', '创新', '创意', '文明实践',
      '健康检查', '体检', '检查身体', '安全检查…燃气', '消防…检查', '积分制', '积分兑换', '积分超市', '志愿…积分', '新时代文明', '创建账户', '通报…天气'
    ],
    english: { hints: ['evaluating', 'evaluate', 'scored'], names: ['lastplaceelimination', 'onevoteveto', 'pledgeletter', 'ranking', 'rankings', 'bottomthree', 'scoredmonthly', 'leaguetable', 'ranked'], objects: ['rank', 'scoring', 'assessment', 'inspectiontour', 'campaign'] }
  },
  {
    category: 'organization_or_plaque',
    names: ['设立…室', '成立…室', 
      '成立…指挥部', '工作组', '成立…工作组',
      '挂牌', '揭牌', '授牌', '设立机构', '设置机构', '专门机构', '成立…领导小组', '成立…工作站', '下设办公室', '设立工作站', '悬挂…牌子', '悬挂…标识牌',
      '悬挂…牌匾', '制度上墙', '上墙', '工作专班', '专班', '分中心', '挂…牌', '揭…牌', '设立…站', '成立…站', '成立…中心', '设立…中心', '成立…办公室',
      '设立…办公室', '成立…专班', '组建…专班', '成立…小组', '组建…小组'
    ],
    objects: ['指挥部', '牌子', '牌匾', '标牌', '标识牌', '领导小组', '工作站', '服务站', '办公室', '工作室', '中心', '机构', '阵地', '站点', '展板'],
    hints: ['服务点', '站点', '工作机制', '工作网络', '建成…室', '机构', '牌子', '牌匾', '标牌', '领导小组', '工作站', '阵地'],
    assignedBy: 'verb',
    verbs: ['成立', '设立', '组建', '设置', '挂', '揭', '悬挂', '增设', '挂上', 'setup', 'establish', 'unveil', 'hang'],
    innocent: [
      '人民调解委员会', '治安保卫委员会', '公共卫生委员会', '下属委员会', '居民小组', '楼栋小组', '摘…牌', '撤…牌', '清理…牌', '拆除…牌', '取消…牌',
      '规范…挂牌', '挂牌督办', '门牌', '店招', '招牌', '车牌', '号牌', '挂号', '挂钩', '牌照', '社区工作站', '社区服务中心', '党群服务中心', '卫生服务中心', '社会组织和社会服务机构',
      '服务机构', '医疗机构', '医疗卫生机构', '养老机构', '金融机构', '教育机构', '培训机构', '托育机构', '公证机构', '社区矫正机构', '派出机构',
      '派驻机构', '机构改革', '社区建设领导小组', '中心户', '办公室主任', '中心城区', '中心位置', '居民活动中心', '揭示', '揭露', '牌价'
    ],
    english: { hints: ['servicepoint', 'dedicated', 'setup'], names: ['plaqueunveiling', 'unveilaplaque', 'taskforce', 'branchcentre', 'branchcenter'], objects: ['plaque', 'station', 'office'] }
  },
  {
    category: 'ledger_or_stamp',
    names: [
      '台账', '台帐', '盖章', '加盖公章', '报表', '填报表格', '关注公众号', '关注微信公众号', '扫码关注', '关注…公众号', 'APP注册', '注册APP',
      '注册…APP', '下载…APP', '下载注册', '下载APP', '转发点赞', '点赞', '转发', '集赞', '刷票', '投票…截图', '截图', '打卡', '留痕', '痕迹管理',
      '重复填报', '重复报送', '多头报送', '重复报表', '多头填报', '拍照上传', '照片上传', '上传照片', '每月报送', '每周报送', '每日报送', '报送材料',
      '佐证材料', '工作纪实', '一表通'
    ],
    objects: ['表格', '统计表', '登记表', '签字', '填报', '上报材料', '会议记录', '材料', '照片', '小程序', '公众号', 'APP', '应用程序', '报送'],
    hints: ['网络投票', '拉票', '每人每天投', '汇编成册', '按月…报送', '归档', '资料…收集', '盖…章', '表格', '统计表', '签字', '填报', '上报材料', '会议记录'],
    assignedBy: 'verb-or-quota',
    verbs: ['填写', '填报', '上报', '报送', '提交', '上传', '注册', '下载', '关注', '拍照', '每月', '每周', '每日', 'upload', 'register', 'download', 'follow', 'fillin', 'submit'],
    innocent: [
      '免盖章', '打卡点', '网红打卡', '居民…自愿', '自愿参与', '宣传栏', '公告栏', '通知栏', '社区公众号', '居民群', '材料费', '建筑材料', '装修材料',
      '应急物资', '账户', '账号'
    ],
    english: { names: ['followtheofficialaccount', 'registertheapp', 'downloadtheapp', 'likesandshares', 'photouploads'], objects: ['ledger', 'stamp', 'forms', 'app'] }
  }
]
