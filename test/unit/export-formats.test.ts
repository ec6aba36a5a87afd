import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { csvCell } from "../../src/services/export/formats/csv";
import {
  DEFAULT_EXPORT_FORMAT,
  EXPORT_FORMAT_NAMES,
  exportFormat,
  isExportFormat,
} from "../../src/services/export/formats";

const COLUMNS = ["clientNo", "branch", "avgDailyAssets20d"];
const ROWS = [
  { clientNo: "C0001", branch: "=HYPERLINK()", avgDailyAssets20d: "-12.50" },
  { clientNo: "C0002", branch: "SH-PUDONG", avgDailyAssets20d: "2000000.50" },
];

const encode = (name: (typeof EXPORT_FORMAT_NAMES)[number], rows: object[]) =>
  text(Readable.from(rows).pipe(exportFormat(name).encoder(COLUMNS)));

describe("the export format registry (SPEC §8)", () => {
  it("offers ndjson (the default) and csv, and nothing else", () => {
    expect(EXPORT_FORMAT_NAMES).toEqual(["ndjson", "csv"]);
    expect(DEFAULT_EXPORT_FORMAT).toBe("ndjson");
    expect(["ndjson", "csv", "xml", "toString", "__proto__"].filter(isExportFormat)).toEqual(["ndjson", "csv"]);
  });

  it("writes NDJSON one object per line, keys in the row's order", async () => {
    expect(await encode("ndjson", ROWS)).toBe(ROWS.map((r) => `${JSON.stringify(r)}\n`).join(""));
    expect(exportFormat("ndjson").contentType).toBe("application/x-ndjson; charset=utf-8");
  });

  it("writes CSV with a header (also for no rows), a formula-looking text cell neutralised and numbers kept", async () => {
    expect(await encode("csv", ROWS)).toBe(
      "clientNo,branch,avgDailyAssets20d\nC0001,'=HYPERLINK(),-12.50\nC0002,SH-PUDONG,2000000.50\n",
    );
    expect(await encode("csv", [])).toBe("clientNo,branch,avgDailyAssets20d\n");
    expect(csvCell("-5", "experienceMonths")).toBe("-5");
    expect(csvCell("-5", "segment")).toBe("'-5");
    expect(exportFormat("csv").contentType).toBe("text/csv; charset=utf-8");
  });
});
