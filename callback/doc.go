// Package callback holds the pure rules of a customer callback (回访): which
// policies need one and by when, when an operator may call, when a customer
// counts as unreachable, what must be confirmed, and what the answers mean.
//
// Nothing here reads the clock, a database or the network: times and
// calendars are passed in, so every rule can be tested with fixed values and
// the same code serves the web UI, the API and the command line.
package callback
