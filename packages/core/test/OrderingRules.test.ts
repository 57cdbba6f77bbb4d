// The lock classes of the ordering rules are computed from their chains, so a misspelt class
// in a chain would quietly become a new class. Each class must be one the document's ordering
// rules name: here each is paired with the words RULES.md uses for it.
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Rules } from "../src/index.js"

const spec = join(import.meta.dirname, "..", "..", "..", "..", "shared", "spec", "RULES.md")

/** Each lock class, with how RULES.md's O1, O2 and O4 write it. */
const named: Record<Rules.LockClass, string> = {
  i_rwsem: "inode->i_rwsem",
  mmap_lock: "mm->mmap_lock",
  invalidate_lock: "mapping->invalidate_lock",
  folio_lock: "folio_lock",
  hugetlbfs_i_mmap_rwsem: "hugetlbfs i_mmap_rwsem",
  vma_lock: "vma_start_write",
  i_mmap_rwsem: "mapping->i_mmap_rwsem",
  anon_vma_rwsem: "anon_vma->rwsem",
  page_table_lock: "mm->page_table_lock or pte lock",
  swap_lock: "swap_lock",
  mmlist_lock: "mmlist_lock",
  private_lock: "mapping->private_lock",
  i_pages_lock: "i_pages lock",
  lru_lock: "lruvec->lru_lock",
  i_lock: "inode->i_lock",
  wb_list_lock: "bdi.wb->list_lock",
  sb_lock: "sb_lock",
  tasklist_lock: "tasklist_lock",
  hugetlb_fault_mutex: "hugetlb_fault_mutex",
  hugetlb_vma_lock: "hugetlb VMA lock",
}

describe("the ordering rules' lock classes", () => {
  it("are the classes the chains name, each once, O1's main chain first", () => {
    expect(new Set(Rules.LockClasses).size).toBe(Rules.LockClasses.length)
    expect(Rules.LockClasses.slice(0, 3)).toEqual(["i_rwsem", "mmap_lock", "invalidate_lock"])
    expect([...Rules.LockClasses].sort()).toEqual(Object.keys(named).sort())
  })

  it.skipIf(!existsSync(spec))("are each named by the document's ordering rules", () => {
    const text = readFileSync(spec, "utf8").replace(/\s+/g, " ")
    const orders = text.slice(text.indexOf("- O1 "), text.indexOf("## VMA lock internals"))
    for (const [cls, words] of Object.entries(named)) expect(orders, cls).toContain(words)
  })
})
