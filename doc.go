// Package huifang holds the domain of the callback system: organisations,
// people, reference data, policies, callbacks, problem cases, submissions
// and the rest, one file per entity with its constants and filters, and the
// application error. It imports nothing of the project but the message
// catalog (i18n); rules live in their own packages, storage in store, and
// the use cases in app (docs/architecture.md).
package huifang
