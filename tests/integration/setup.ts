import { inject } from "vitest";
import { setDefaultToken } from "./client";

// Every test file talks to the shared stack as its admin unless it says otherwise.
setDefaultToken(inject("adminToken"));
