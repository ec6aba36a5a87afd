import { Initial1795927244264 } from "./1795927244264-Initial";
import { OneAccountPerInvestor1796000000000 } from "./1796000000000-OneAccountPerInvestor";
import { OpenUniqueness1796264833783 } from "./1796264833783-OpenUniqueness";
import { IdempotencyKeys1796300000000 } from "./1796300000000-IdempotencyKeys";
import { ListOrderIndexes1796400000000 } from "./1796400000000-ListOrderIndexes";
import { Outbox1796500000000 } from "./1796500000000-Outbox";
import { Tracking1796600000000 } from "./1796600000000-Tracking";
import { PersonalDataSealed1796700000000 } from "./1796700000000-PersonalDataSealed";
import { PersonalDataAccess1796800000000 } from "./1796800000000-PersonalDataAccess";

/** Every migration, in order; the app and the CLI run the same list on MySQL and SQLite. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  Initial1795927244264,
  OneAccountPerInvestor1796000000000,
  OpenUniqueness1796264833783,
  IdempotencyKeys1796300000000,
  ListOrderIndexes1796400000000,
  Outbox1796500000000,
  Tracking1796600000000,
  PersonalDataSealed1796700000000,
  PersonalDataAccess1796800000000,
];
