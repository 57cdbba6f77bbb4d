import "@mmguard/sim"
