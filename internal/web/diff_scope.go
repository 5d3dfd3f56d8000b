package web

import (
	"context"

	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

// diffOf compares snapshot against with id, both of one mission. The route's
// guard checked the reader's role on id's mission only: a snapshot of
// another mission is answered as if it did not exist, and the answer names
// no mission (the snapshot service's own message would name both).
func diffOf(ctx context.Context, svc Snapshots, id, against int64) (*snapshot.Diff, error) {
	to, err := svc.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	from, err := svc.Get(ctx, against)
	if err != nil || from.Mission != to.Mission {
		return nil, portfolio.Errorf(portfolio.ENOTFOUND, "no snapshot %d to compare with on this mission", against)
	}
	return svc.Diff(ctx, id, against)
}
