import type { WorkingCalendar } from '../../calendar/working-days.js'

// China's statutory public holidays (法定节假日) and make-up working days
// (调休上班日) as published each year by the General Office of the State Council
// (国务院办公厅关于XXXX年部分节假日安排的通知). `holidays` lists every day of each
// holiday block, weekend days inside the block included; `makeUpWorkdays` lists
// the Saturdays and Sundays that are worked instead. Plain JSON data.
//
// The statutory entitlement since 2025 (《全国年节及纪念日放假办法》, as amended by
// 国务院令第795号, 2024) is 13 days: 元旦 1, 春节 4 (除夕 and 正月初一–初三),
// 清明节 1, 劳动节 2, 端午节 1, 中秋节 1, 国庆节 3. For every year below the
// weekday holidays minus the make-up workdays come to exactly 13 (checked in
// test/calendar.test.ts).
//
// The notice for a year appears around November of the year before. A year whose
// `provisional` flag is true is an estimate: a city (or whoever deploys this
// pack) must replace it with the official notice as soon as that is published.
// Weekday comments are for reviewers only.

export const CHINA_WORKING_CALENDAR: WorkingCalendar = {
  holidays: [
    // 2025 — 国办发明电〔2024〕12号
    { date: '2025-01-01', name: '元旦' }, // 周三
    { date: '2025-01-28', name: '春节' }, // 周二
    { date: '2025-01-29', name: '春节' }, // 周三
    { date: '2025-01-30', name: '春节' }, // 周四
    { date: '2025-01-31', name: '春节' }, // 周五
    { date: '2025-02-01', name: '春节' }, // 周六
    { date: '2025-02-02', name: '春节' }, // 周日
    { date: '2025-02-03', name: '春节' }, // 周一
    { date: '2025-02-04', name: '春节' }, // 周二
    { date: '2025-04-04', name: '清明节' }, // 周五
    { date: '2025-04-05', name: '清明节' }, // 周六
    { date: '2025-04-06', name: '清明节' }, // 周日
    { date: '2025-05-01', name: '劳动节' }, // 周四
    { date: '2025-05-02', name: '劳动节' }, // 周五
    { date: '2025-05-03', name: '劳动节' }, // 周六
    { date: '2025-05-04', name: '劳动节' }, // 周日
    { date: '2025-05-05', name: '劳动节' }, // 周一
    { date: '2025-05-31', name: '端午节' }, // 周六
    { date: '2025-06-01', name: '端午节' }, // 周日
    { date: '2025-06-02', name: '端午节' }, // 周一
    { date: '2025-10-01', name: '国庆节、中秋节' }, // 周三
    { date: '2025-10-02', name: '国庆节、中秋节' }, // 周四
    { date: '2025-10-03', name: '国庆节、中秋节' }, // 周五
    { date: '2025-10-04', name: '国庆节、中秋节' }, // 周六
    { date: '2025-10-05', name: '国庆节、中秋节' }, // 周日
    { date: '2025-10-06', name: '国庆节、中秋节' }, // 周一
    { date: '2025-10-07', name: '国庆节、中秋节' }, // 周二
    { date: '2025-10-08', name: '国庆节、中秋节' }, // 周三
    // 2026 — 国办发明电〔2025〕7号
    { date: '2026-01-01', name: '元旦' }, // 周四
    { date: '2026-01-02', name: '元旦' }, // 周五
    { date: '2026-01-03', name: '元旦' }, // 周六
    { date: '2026-02-15', name: '春节' }, // 周日
    { date: '2026-02-16', name: '春节' }, // 周一
    { date: '2026-02-17', name: '春节' }, // 周二
    { date: '2026-02-18', name: '春节' }, // 周三
    { date: '2026-02-19', name: '春节' }, // 周四
    { date: '2026-02-20', name: '春节' }, // 周五
    { date: '2026-02-21', name: '春节' }, // 周六
    { date: '2026-02-22', name: '春节' }, // 周日
    { date: '2026-02-23', name: '春节' }, // 周一
    { date: '2026-04-04', name: '清明节' }, // 周六
    { date: '2026-04-05', name: '清明节' }, // 周日
    { date: '2026-04-06', name: '清明节' }, // 周一
    { date: '2026-05-01', name: '劳动节' }, // 周五
    { date: '2026-05-02', name: '劳动节' }, // 周六
    { date: '2026-05-03', name: '劳动节' }, // 周日
    { date: '2026-05-04', name: '劳动节' }, // 周一
    { date: '2026-05-05', name: '劳动节' }, // 周二
    { date: '2026-06-19', name: '端午节' }, // 周五
    { date: '2026-06-20', name: '端午节' }, // 周六
    { date: '2026-06-21', name: '端午节' }, // 周日
    { date: '2026-09-25', name: '中秋节' }, // 周五
    { date: '2026-09-26', name: '中秋节' }, // 周六
    { date: '2026-09-27', name: '中秋节' }, // 周日
    { date: '2026-10-01', name: '国庆节' }, // 周四
    { date: '2026-10-02', name: '国庆节' }, // 周五
    { date: '2026-10-03', name: '国庆节' }, // 周六
    { date: '2026-10-04', name: '国庆节' }, // 周日
    { date: '2026-10-05', name: '国庆节' }, // 周一
    { date: '2026-10-06', name: '国庆节' }, // 周二
    { date: '2026-10-07', name: '国庆节' }, // 周三
    // 2027 — PROVISIONAL estimate, see sources
    { date: '2027-01-01', name: '元旦' }, // 周五
    { date: '2027-01-02', name: '元旦' }, // 周六
    { date: '2027-01-03', name: '元旦' }, // 周日
    { date: '2027-02-05', name: '春节' }, // 周五
    { date: '2027-02-06', name: '春节' }, // 周六
    { date: '2027-02-07', name: '春节' }, // 周日
    { date: '2027-02-08', name: '春节' }, // 周一
    { date: '2027-02-09', name: '春节' }, // 周二
    { date: '2027-02-10', name: '春节' }, // 周三
    { date: '2027-02-11', name: '春节' }, // 周四
    { date: '2027-02-12', name: '春节' }, // 周五
    { date: '2027-02-13', name: '春节' }, // 周六
    { date: '2027-02-14', name: '春节' }, // 周日
    { date: '2027-04-03', name: '清明节' }, // 周六
    { date: '2027-04-04', name: '清明节' }, // 周日
    { date: '2027-04-05', name: '清明节' }, // 周一
    { date: '2027-05-01', name: '劳动节' }, // 周六
    { date: '2027-05-02', name: '劳动节' }, // 周日
    { date: '2027-05-03', name: '劳动节' }, // 周一
    { date: '2027-05-04', name: '劳动节' }, // 周二
    { date: '2027-05-05', name: '劳动节' }, // 周三
    { date: '2027-06-09', name: '端午节' }, // 周三
    { date: '2027-09-15', name: '中秋节' }, // 周三
    { date: '2027-10-01', name: '国庆节' }, // 周五
    { date: '2027-10-02', name: '国庆节' }, // 周六
    { date: '2027-10-03', name: '国庆节' }, // 周日
    { date: '2027-10-04', name: '国庆节' }, // 周一
    { date: '2027-10-05', name: '国庆节' }, // 周二
    { date: '2027-10-06', name: '国庆节' }, // 周三
    { date: '2027-10-07', name: '国庆节' } // 周四
  ],
  makeUpWorkdays: [
    // 2025
    { date: '2025-01-26', name: '春节' }, // 周日
    { date: '2025-02-08', name: '春节' }, // 周六
    { date: '2025-04-27', name: '劳动节' }, // 周日
    { date: '2025-09-28', name: '国庆节、中秋节' }, // 周日
    { date: '2025-10-11', name: '国庆节、中秋节' }, // 周六
    // 2026
    { date: '2026-01-04', name: '元旦' }, // 周日
    { date: '2026-02-14', name: '春节' }, // 周六
    { date: '2026-02-28', name: '春节' }, // 周六
    { date: '2026-05-09', name: '劳动节' }, // 周六
    { date: '2026-09-20', name: '国庆节' }, // 周日
    { date: '2026-10-10', name: '国庆节' }, // 周六
    // 2027 — PROVISIONAL estimate
    { date: '2027-01-31', name: '春节' }, // 周日
    { date: '2027-02-20', name: '春节' }, // 周六
    { date: '2027-05-08', name: '劳动节' }, // 周六
    { date: '2027-09-26', name: '国庆节' }, // 周日
    { date: '2027-10-09', name: '国庆节' } // 周六
  ],
  sources: [
    {
      year: 2025,
      source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）。',
      provisional: false
    },
    {
      year: 2026,
      source: '国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日，新华社同日播发全文）。' +
        '各日期已与通知全文逐条核对：元旦1月1日至3日，1月4日上班；春节2月15日至23日，2月14日、2月28日上班；' +
        '清明节4月4日至6日；劳动节5月1日至5日，5月9日上班；端午节6月19日至21日；中秋节9月25日至27日；' +
        '国庆节10月1日至7日，9月20日、10月10日上班。',
      provisional: false
    },
    {
      year: 2027,
      source: '估算，非官方安排：国务院办公厅2027年节假日安排通知尚未纳入（通常于2026年11月前后发布），' +
        '启用本数据的城市必须在通知发布后以通知全文替换本年数据。' +
        '估算依据：《全国年节及纪念日放假办法》（2024年修订）各节日法定天数，' +
        '及2025、2026年通知所体现的调休规律（春节自除夕起放假调休8天并与相邻周末连休；劳动节放假调休5天；' +
        '国庆节自10月1日起放假调休7天；元旦、清明节、端午节、中秋节与周末连休3天，逢周三只休当天；' +
        '节前节后连续工作一般不超过6天）。' +
        '农历日期（已用农历算法核对）：除夕2月5日（周五），春节2月6日，清明4月5日，端午6月9日（周三），中秋9月15日（周三）。' +
        '估算结果：元旦1月1日至3日；春节2月5日至14日（共10天），1月31日（周日）、2月20日（周六）上班；' +
        '清明节4月3日至5日；劳动节5月1日至5日，5月8日（周六）上班；端午节6月9日；中秋节9月15日；' +
        '国庆节10月1日至7日，9月26日（周日）、10月9日（周六）上班。' +
        '其中法定假日及其补休（2月5日、8日至10日，5月3日、4日，10月4日、5日等）较为确定；' +
        '春节是否延至2月11日、12日及各调休上班日的具体日期最不确定。',
      provisional: true
    }
  ]
}
