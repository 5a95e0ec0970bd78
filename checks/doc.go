// Package checks is kubedojo's grading engine. It evaluates the declarative
// checks of an exercise (lessons.Check) on live cluster state through
// client-go, in parallel and each with its own timeout, and classifies every
// outcome as pass, fail (the learner's answer is not right yet) or error
// (the environment is broken: never counted as a wrong answer).
//
// A Grader evaluates once (Evaluate), waits for convergence (Converge) or
// keeps watching (Watch): informers scoped to the exercise's namespaces and
// the resource kinds its checks read trigger debounced re-evaluation of only
// the checks a change can affect. While nothing changes, Watch makes no API
// requests beyond the watches themselves.
package checks
