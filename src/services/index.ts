import type { DataSource } from "typeorm";
import type { Config } from "../config";
import type { Clock } from "../domain/clock";
import { HealthService } from "./health";
import { BookReader } from "./read/book-reader";

/** The composition of services the API uses; built once in main.ts (or a test), never imported as a global. */
export interface Services {
  config: Config;
  clock: Clock;
  dataSource: DataSource;
  reader: BookReader;
  health: HealthService;
}

export function createServices(config: Config, dataSource: DataSource, clock: Clock): Services {
  return { config, clock, dataSource, reader: new BookReader(dataSource), health: new HealthService(dataSource) };
}
