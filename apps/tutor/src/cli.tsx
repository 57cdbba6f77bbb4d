#!/usr/bin/env node
/**
 * The mmguard tutor's command-line entry point.
 */
import { render, Text } from "ink"

render(<Text>mmguard tutor</Text>)
