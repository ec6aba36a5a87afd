import type { DataSource } from "typeorm";
import type { CreditFacilityEntity } from "../../entities";
import type { Clock } from "../../domain/clock";
import type { Viewer } from "../access/viewer";
import { MaturityService } from "./maturities";
import { SchedulingService } from "./scheduling";
import { ValuationService, type ValuationProps } from "./valuations";

export { MAX_VALUATIONS_PER_CALL, maintenanceRatio, type ValuationProps } from "./valuations";

/**
 * Daily monitoring as the API offers it: valuations (ValuationService), the maturity run
 * (MaturityService) and periodic review scheduling (SchedulingService), each in its own module.
 */
export class MonitoringService {
  private readonly valuations: ValuationService;
  private readonly maturities: MaturityService;
  private readonly scheduling: SchedulingService;

  constructor(ds: DataSource, clock: Clock) {
    this.valuations = new ValuationService(ds, clock);
    this.maturities = new MaturityService(ds, clock);
    this.scheduling = new SchedulingService(ds, clock);
  }

  /** See ValuationService.recordValuations. */
  recordValuations(
    viewer: Viewer,
    items: ValuationProps[],
  ): Promise<{ facilities: CreditFacilityEntity[]; alertsRaised: number }> {
    return this.valuations.recordValuations(viewer, items);
  }

  /** See MaturityService.processMaturities. */
  processMaturities(viewer: Viewer, asOf: string): Promise<number> {
    return this.maturities.processMaturities(viewer, asOf);
  }

  /** See SchedulingService.scheduleReviews. */
  scheduleReviews(viewer: Viewer, asOf: string): Promise<number> {
    return this.scheduling.scheduleReviews(viewer, asOf);
  }
}
