import "reflect-metadata";
import { createDataSource } from "./src/db/data-source";

/** The DataSource the TypeORM CLI and the app share, picked by DATABASE_URL. */
export default createDataSource({ url: process.env.DATABASE_URL ?? "sqlite:./data/margin.sqlite" });
