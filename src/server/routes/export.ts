import type http from "node:http";
import type { Logger } from "pino";
import { Ability, can } from "../../services/access/abilities";
import { branchScope } from "../../services/access/policy";
import type { ExportService } from "../../services/export/export-service";
import { DEFAULT_EXPORT_FORMAT, EXPORT_FORMAT_NAMES, isExportFormat } from "../../services/export/formats";
import { authenticate } from "../authenticate";
import type { EdgeRefusals } from "../edge";

const SEGMENT_CODE = /^[A-Za-z0-9_-]{1,32}$/;

/** GET /export/segments/{code}/members?format=ndjson|csv — streamed, no personal data (SPEC §8). */
export function exportRoute(deps: { exports: ExportService; secret: string; refusals: EdgeRefusals; logger: Logger }) {
  const { exports, refusals, logger } = deps;
  return async (req: http.IncomingMessage, res: http.ServerResponse, code: string, url: URL): Promise<void> => {
    if ((req.method ?? "GET").toUpperCase() !== "GET") {
      refusals.refuse(res, 405, "METHOD_NOT_ALLOWED", "Use GET", { allow: "GET" });
      return;
    }
    const auth = await authenticate(req, deps.secret);
    if ("refused" in auth) {
      refusals.refuse(res, 401, "UNAUTHENTICATED", "A valid bearer token is required", {
        "www-authenticate": "Bearer",
      });
      return;
    }
    const { viewer } = auth;
    if (!can(viewer, Ability.EXPORT_SEGMENT_MEMBERS)) {
      refusals.refuse(res, 403, "FORBIDDEN", "You are not allowed to do this", {}, viewer.subject);
      return;
    }
    const format = url.searchParams.get("format") ?? DEFAULT_EXPORT_FORMAT;
    if (!isExportFormat(format)) {
      refusals.refuse(res, 400, "BAD_USER_INPUT", `format must be ${EXPORT_FORMAT_NAMES.join(" or ")}`);
      return;
    }
    let segmentCode: string | null;
    try {
      segmentCode = decodeURIComponent(code);
    } catch {
      segmentCode = null;
    }
    const file =
      segmentCode !== null && SEGMENT_CODE.test(segmentCode)
        ? await exports.segmentMembers(segmentCode, format, branchScope(viewer))
        : null;
    if (file === null) {
      refusals.refuse(res, 404, "NOT_FOUND", "No such segment");
      return;
    }
    res.writeHead(200, {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename}"`,
    });
    try {
      await file.writeTo(res);
    } catch (err) {
      // A client that goes away ends the pipeline, which releases the database connection.
      if (!res.destroyed) logger.warn({ err: (err as Error).message }, "export aborted");
    }
  };
}
