import type { DataSource } from "typeorm";
import type { Config } from "../config";
import type { Clock } from "../domain/clock";
import { CatalogueAdminService } from "./catalogue/catalogue-admin";
import { HealthService } from "./health";
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from "./access/rate-limit";
import { FacilityService } from "./lifecycle/facilities";
import { MonitoringService } from "./lifecycle/monitoring";
import { ReviewService } from "./lifecycle/reviews";
import { BookReader } from "./read/book-reader";
import { ClientIntakeService } from "./profile/client-intake";
import { PortraitService } from "./profile/portrait-service";
import { RawDataService } from "./profile/raw-data";
import { RiskAssessmentService } from "./profile/risk-assessment";

/** The composition of services the API uses; built once in main.ts (or a test), never imported as a global. */
export interface Services {
  config: Config;
  clock: Clock;
  dataSource: DataSource;
  reader: BookReader;
  /** Bulk reads (segment stats and members, filtered client lists, exports): replicas when configured. */
  bulkReader: BookReader;
  health: HealthService;
  intake: ClientIntakeService;
  assessments: RiskAssessmentService;
  rawData: RawDataService;
  portraits: PortraitService;
  catalogueAdmin: CatalogueAdminService;
  facilities: FacilityService;
  monitoring: MonitoringService;
  reviews: ReviewService;
  /** Where bulk reads go (a replica when configured; the primary otherwise). */
  exportSource: DataSource;
  rateLimiter: RateLimiter;
}

export function createServices(
  config: Config,
  dataSource: DataSource,
  clock: Clock,
  replicas: DataSource[] = [],
): Services {
  return {
    config,
    clock,
    dataSource,
    reader: new BookReader(dataSource),
    bulkReader: new BookReader(replicas.length > 0 ? replicas : dataSource),
    health: new HealthService(dataSource),
    intake: new ClientIntakeService(dataSource, clock),
    assessments: new RiskAssessmentService(dataSource, clock, config.assessmentValidityDays),
    rawData: new RawDataService(dataSource, clock),
    portraits: new PortraitService(dataSource, clock),
    catalogueAdmin: new CatalogueAdminService(dataSource, clock),
    facilities: new FacilityService(dataSource, clock, config.riskDisclosureVersion),
    monitoring: new MonitoringService(dataSource, clock),
    reviews: new ReviewService(dataSource, clock),
    exportSource: replicas[0] ?? dataSource,
    rateLimiter: config.redisUrl ? new RedisRateLimiter(config.redisUrl) : new MemoryRateLimiter(),
  };
}
