import type { Scenario } from "./scenarios.js";
export const moreScenarios: Scenario[] = [];
