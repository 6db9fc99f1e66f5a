import { MemoryBudget } from "@kapsel/http-body";

export interface TenantBudgetLease {
  readonly budget: MemoryBudget;
  /** Call once the request holds no more bytes (its reservation released). */
  done(): void;
}

interface Entry {
  budget: MemoryBudget;
  holders: number;
}

/**
 * Each tenant's share of the process's in-memory bytes (issue #11, finding 4): bodies are reserved
 * in the tenant's budget, whose parent is the process's, so slow or huge uploads to one tenant fill
 * that tenant's share and are refused there, while other tenants still fit. Only tenants with
 * requests in flight have an entry (counted by holders, so an entry is never dropped while a
 * request may still reserve in it).
 */
export class TenantBudgets {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly process: MemoryBudget,
    private readonly perTenantBytes: number,
  ) {}

  acquire(tenantId: string): TenantBudgetLease {
    let entry = this.entries.get(tenantId);
    if (!entry) {
      entry = {
        budget: new MemoryBudget(Math.min(this.perTenantBytes, this.process.limitBytes), this.process),
        holders: 0,
      };
      this.entries.set(tenantId, entry);
    }
    entry.holders++;
    const held = entry;
    let released = false;
    return {
      budget: held.budget,
      done: () => {
        if (released) return;
        released = true;
        held.holders--;
        if (held.holders === 0 && this.entries.get(tenantId) === held) this.entries.delete(tenantId);
      },
    };
  }

  /** Tenants with requests in flight (for tests and diagnostics). */
  get tenantsInFlight(): number {
    return this.entries.size;
  }
}
