import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BranchScope } from "../access/viewer";
import { EXPORT_COLUMNS } from "../segments/members-stream";
import { gatherChunks } from "./chunks";
import { exportFormat, type ExportFormatName } from "./formats";

/** Where the members of a segment come from: a stream of export rows, null for an unknown segment. */
export interface SegmentMemberSource {
  memberStream(segmentCode: string, scope: BranchScope): Promise<{ code: string; rows: Readable } | null>;
}

/** An export ready to be written: what to call it, its media type, and the writing itself. */
export interface ExportFile {
  filename: string;
  contentType: string;
  /** Streams the encoded rows into `to`, with back-pressure down to the query; ends `to`. */
  writeTo(to: Writable): Promise<void>;
}

/** Exports of the book (SPEC §8): columns without personal data, in any format of the registry. */
export class ExportService {
  constructor(private readonly segments: SegmentMemberSource) {}

  /** Every member of a segment within the scope; null for an unknown segment. */
  async segmentMembers(
    segmentCode: string,
    formatName: ExportFormatName,
    scope: BranchScope,
  ): Promise<ExportFile | null> {
    const members = await this.segments.memberStream(segmentCode, scope);
    if (members === null) return null;
    const format = exportFormat(formatName);
    return {
      filename: `segment-${members.code}-members.${formatName}`,
      contentType: format.contentType,
      writeTo: (to) => pipeline(members.rows, format.encoder(EXPORT_COLUMNS), gatherChunks(), to),
    };
  }
}
