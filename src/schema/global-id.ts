export * from "../domain/global-id";
