package mongo

// Waiting reports how many MarkProcessed calls wait for an insert (tests check the grouping).
func (i *Idempotency) Waiting() int {
	return i.marks.pending()
}
