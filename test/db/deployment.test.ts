import os from "node:os";
import path from "node:path";
import { createDataSource } from "../../src/db/data-source";
import { deploymentName } from "../../src/db/deployment";
import { liveChannel } from "../../src/services/events/live-feed";

// Names only: none of these data sources is connected.
describe("a deployment's name in a Redis shared with others (live channel, throttle buckets)", () => {
  it("is the server's host, port and database, never the credentials", () => {
    const ds = createDataSource({ url: "mysql://app:s3cret@db.internal:3306/margin_prod" });
    expect(deploymentName(ds)).toBe("db.internal:3306/margin_prod");
    expect(liveChannel(ds)).toBe("margin:live:db.internal:3306/margin_prod");
    expect(deploymentName(ds)).not.toContain("s3cret");
  });

  it("agrees between instances of one deployment and differs between deployments", () => {
    const a = createDataSource({ url: "mysql://root@db.internal:3306/margin_prod" });
    const b = createDataSource({ url: "mysql://other@db.internal:3306/margin_prod" });
    const staging = createDataSource({ url: "mysql://root@db.internal:3306/margin_staging" });
    expect(deploymentName(a)).toBe(deploymentName(b));
    expect(deploymentName(a)).not.toBe(deploymentName(staging));
  });

  it("is a SQLite file's absolute path, and an in-memory database's own", () => {
    const relative = path.relative(process.cwd(), path.join(os.tmpdir(), "deployment-name", "margin.sqlite"));
    const file = createDataSource({ url: `sqlite:${relative}` });
    expect(deploymentName(file)).toBe(path.join(os.tmpdir(), "deployment-name", "margin.sqlite"));
    const one = createDataSource({ url: "sqlite::memory:" });
    const two = createDataSource({ url: "sqlite::memory:" });
    expect(deploymentName(one)).toBe(deploymentName(one));
    expect(deploymentName(one)).not.toBe(deploymentName(two));
  });
});
