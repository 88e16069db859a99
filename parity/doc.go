// Package parity holds the acceptance tests that run Alignscope's methods
// on the reference fixtures (rsatoolbox, scikit-learn, himalaya) and check
// every output within the tolerance each case states.
//
// The fixture folders come from the environment (ALIGNSCOPE_RSA_FIXTURES,
// ALIGNSCOPE_ENCODING_FIXTURES) with the shared project folders as default,
// so acceptance can point the same tests at hold-out sets.
package parity
