import { USCC_CHARS } from "../services/profile/identity";
import { addDays } from "../domain/dates";

/** Who the demo clients are: branches and their regions, names, the securities they trade. */
export const BRANCHES = [
  "SH-PUDONG",
  "BJ-XICHENG",
  "SZ-FUTIAN",
  "GZ-TIANHE",
  "HZ-XIHU",
  "NJ-GULOU",
  "CD-JINJIANG",
  "WH-JIANGHAN",
];
export const REGIONS = ["310115", "110102", "440304", "440106", "330106", "320106", "510104", "420103"];
export const SURNAMES = Array.from(
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
);
export const GIVEN = Array.from(
  "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯健俊帆帅旭宁晨阳思雨欣怡佳琪梓涵子轩博文",
);
export const COMPANY = ["浦江", "华信", "东方", "长城", "瑞丰", "恒泰", "金桥", "海通", "鼎晖", "弘毅", "国泰", "中和"];
export const COMPANY_KIND = [
  "投资管理有限公司",
  "资产管理有限公司",
  "私募基金管理有限公司",
  "实业有限公司",
  "科技股份有限公司",
];
export const SYMBOLS = [
  "600519.SH",
  "600036.SH",
  "601318.SH",
  "000858.SZ",
  "000333.SZ",
  "300750.SZ",
  "601012.SH",
  "002594.SZ",
  "600276.SH",
  "000001.SZ",
];

// One investor, one credit account (SPEC §10): a client's ID number is a function of its number that
// never repeats, whatever the region in front of it.
const BIRTH_DAYS = 365 * 52;
const RESIDENT_SERIALS = BIRTH_DAYS * 1000;

/**
 * Birth date (1950–2001) and sequence number of a resident ID, 11 digits. Multiplying by a number
 * prime to RESIDENT_SERIALS is a bijection modulo it: distinct for the first 18,980,000 clients, with
 * births spread over the 52 years (about every 2,400 clients cover them once).
 */
export function residentSerial(id: number): string {
  const x = (id * 7919) % RESIDENT_SERIALS;
  const birth = addDays("1950-01-01", Math.floor(x / 1000)).replace(/-/g, "");
  return `${birth}${String(x % 1000).padStart(3, "0")}`;
}

/** The 9-character organisation part of a unified social credit code: the client number in base 31. */
export function creditCodeSerial(id: number): string {
  let out = "";
  for (let n = id, i = 0; i < 9; i += 1, n = Math.floor(n / 31)) out = USCC_CHARS[n % 31] + out;
  return out;
}

export const OFFICERS = ["ro-li", "ro-wang", "ro-chen", "ro-zhao"];
