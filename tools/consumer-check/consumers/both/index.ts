import "@mmguard/sim"
import "@mmguard/core"
