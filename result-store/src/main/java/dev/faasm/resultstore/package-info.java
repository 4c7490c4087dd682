/**
 * Call results and statuses in Redis: {@link dev.faasm.resultstore.ResultStore} writes and reads them (first result
 * wins), {@link dev.faasm.resultstore.ResultWaiter} wakes synchronous callers through one pub/sub subscription per
 * process.
 */
package dev.faasm.resultstore;
