// Package workspace holds the state of one Alignscope session: the project
// (stimuli, models, subjects), the background job manager and change
// listeners. The GUI and the headless CLI both drive it.
//
// Changes are transactional: Update runs a change on a copy of the project
// and installs the copy only when the change succeeds, so a failed action
// (a bad file, a mismatched stimulus count) leaves the project as it was.
//
// It lives in core rather than in the app package because the ui layer must
// read it and may import only downward.
package workspace
