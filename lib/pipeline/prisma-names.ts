/**
 * The job table's stage names and the status list are the database enums' values: a change to
 * one without the other stops the build here.
 */
import type { DocumentStatus as DbStatus, Stage as DbStage } from "@/lib/generated/prisma/enums";
import type { DocumentStatus } from "./statuses";
import type { Stage } from "./table";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const statusesMatchTheDatabase: Same<DocumentStatus, DbStatus> = true;
export const stagesMatchTheDatabase: Same<Stage, DbStage> = true;
