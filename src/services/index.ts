import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { deploymentName } from "../db/deployment";
import type { Clock } from "../domain/clock";
import { CatalogueAdminService } from "./catalogue/catalogue-admin";
import { HealthService } from "./health";
import { AccessTrailService } from "./access/access-trail";
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from "./access/rate-limit";
import { LiveFeed } from "./events/live-feed";
import { FacilityService } from "./lifecycle/facilities";
import { MonitoringService } from "./lifecycle/monitoring";
import { ReviewService } from "./lifecycle/reviews";
import { ReadPool } from "../repositories/read-pool";
import { BatchReads } from "./read/batch-reads";
import { ClientCopyService } from "./privacy/client-copy";
import { ReadService } from "./read/read-service";
import { SegmentService } from "./segments/segment-service";
import { ClientIntakeService } from "./profile/client-intake";
import { PortraitService } from "./profile/portrait-service";
import { RawDataService } from "./profile/raw-data";
import { RiskAssessmentService } from "./profile/risk-assessment";
import { SatisfactionService } from "./tracking/satisfaction";
import { SegmentSnapshotService } from "./tracking/snapshots";
import { TrackingService } from "./tracking/tracking-service";

/** The composition of services the API uses; built once in main.ts (or a test), never imported as a global. */
export interface Services {
  config: Config;
  clock: Clock;
  dataSource: DataSource;
  /** Root lists and point reads; filtered client lists go to the replicas when configured. */
  reads: ReadService;
  /** What the per-request loaders read, on the primary. */
  batchReads: BatchReads;
  /** Segment members, stats and the members export: BI reads, on the replicas when configured. */
  segments: SegmentService;
  health: HealthService;
  intake: ClientIntakeService;
  assessments: RiskAssessmentService;
  rawData: RawDataService;
  portraits: PortraitService;
  catalogueAdmin: CatalogueAdminService;
  facilities: FacilityService;
  monitoring: MonitoringService;
  reviews: ReviewService;
  /** Satisfaction survey answers (SPEC §13). */
  satisfaction: SatisfactionService;
  /** The daily segment snapshot, a batch job (SPEC §13). */
  snapshots: SegmentSnapshotService;
  /** History, migration, performance, previews and the credit model (SPEC §13): BI reads, on the replicas when configured. */
  tracking: TrackingService;
  rateLimiter: RateLimiter;
  /** Who received which client's personal data in clear (SPEC §14): written once per request, read by client. */
  accessTrail: AccessTrailService;
  /** The client's copy of everything held about it (SPEC §14). */
  copies: ClientCopyService;
  /** Committed events to live subscribers (SPEC §12); started by the server. */
  live: LiveFeed;
}

export function createServices(
  config: Config,
  dataSource: DataSource,
  clock: Clock,
  replicas: DataSource[] = [],
): Services {
  const primary = new ReadPool(dataSource);
  const accessTrail = new AccessTrailService(dataSource, primary, clock);
  const bulk = new ReadPool(replicas.length > 0 ? replicas : dataSource);
  const batchReads = new BatchReads(primary);
  return {
    config,
    clock,
    dataSource,
    reads: new ReadService(primary, bulk),
    batchReads,
    // The export streams on one connection of its own: the first replica, or the primary.
    segments: new SegmentService(primary, bulk, replicas[0] ?? dataSource, clock),
    health: new HealthService(dataSource),
    intake: new ClientIntakeService(dataSource, clock),
    assessments: new RiskAssessmentService(dataSource, clock, config.assessmentValidityDays),
    rawData: new RawDataService(dataSource, clock),
    portraits: new PortraitService(dataSource, clock),
    catalogueAdmin: new CatalogueAdminService(dataSource, clock),
    facilities: new FacilityService(dataSource, clock, config.riskDisclosureVersion),
    monitoring: new MonitoringService(dataSource, clock),
    reviews: new ReviewService(dataSource, clock),
    satisfaction: new SatisfactionService(dataSource, clock),
    snapshots: new SegmentSnapshotService(dataSource, clock),
    tracking: new TrackingService(bulk, clock),
    rateLimiter: config.redisUrl
      ? new RedisRateLimiter(config.redisUrl, { namespace: deploymentName(dataSource) })
      : new MemoryRateLimiter(),
    accessTrail,
    copies: new ClientCopyService(primary, accessTrail, clock),
    live: new LiveFeed(dataSource, batchReads, config.redisUrl, config.liveQueueLimit),
  };
}
