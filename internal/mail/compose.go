package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"math"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/begira/begira/internal/i18n"
	"github.com/begira/begira/internal/portfolio"
	"github.com/begira/begira/internal/snapshot"
)

//go:embed templates
var templateFiles embed.FS

var (
	textTemplates = texttemplate.Must(texttemplate.ParseFS(templateFiles, "templates/*.txt"))
	htmlTemplates = htmltemplate.Must(htmltemplate.ParseFS(templateFiles, "templates/*.html"))
)

// letter is what a template receives; T translates into the letter's
// language.
type letter struct {
	Lang, Subject, Intro, LinkIntro, Link, Footer string
	First                                         bool
	Figures                                       []figure
	Gaps, BlindSpots, Due                         []string
	Groups                                        []group
}

type figure struct{ Label, To, Change string }

type group struct {
	Label   string
	Signals []string
}

func (l *letter) T(key string) string { return word(l.Lang, key) }

// SnapshotSummary is what a snapshot's email says.
type SnapshotSummary struct {
	Mission   *portfolio.Mission
	Snapshot  *portfolio.Snapshot
	Diff      *snapshot.Diff // against the previous snapshot; nil for the first
	Decisions []portfolio.Decision
	Link      string    // the guest link to the pack
	Expires   time.Time // when the link stops working
	Now       time.Time
}

// ComposeSnapshot writes the summary for one subscriber.
func ComposeSnapshot(sum SnapshotSummary, sub portfolio.Subscription) (Message, error) {
	lang := sub.Lang
	title := sum.Mission.Title.In(lang)
	label := sum.Snapshot.Label
	if label == "" {
		label = i18n.Date(lang, sum.Snapshot.TakenAt)
	}
	l := &letter{Lang: lang, Link: sum.Link, First: sum.Diff == nil,
		Subject:   fmt.Sprintf(word(lang, "snapshot.subject"), title, label),
		Intro:     fmt.Sprintf(word(lang, "snapshot.intro"), title, i18n.Date(lang, sum.Snapshot.TakenAt)),
		LinkIntro: fmt.Sprintf(word(lang, "snapshot.link"), i18n.Date(lang, sum.Expires)),
		Footer:    fmt.Sprintf(word(lang, "footer"), title)}
	if sum.Diff != nil {
		for _, k := range sum.Diff.KPIDeltas {
			f := figure{Label: word(lang, "kpi."+k.Name), To: number(lang, k.Name, k.To)}
			if k.Delta != 0 {
				sign := "+"
				if k.Delta < 0 {
					sign = "−"
				}
				f.Change = sign + number(lang, k.Name, math.Abs(k.Delta))
			}
			l.Figures = append(l.Figures, f)
		}
		for _, c := range sum.Diff.CoverageCells.Emptied {
			l.Gaps = append(l.Gaps, termLabel(sum.Mission, c.AScheme, c.A, lang)+" × "+termLabel(sum.Mission, c.BScheme, c.B, lang))
		}
		for _, b := range sum.Diff.NewBlindSpots {
			l.BlindSpots = append(l.BlindSpots, termLabel(sum.Mission, b.Scheme, b.Term, lang))
		}
	} else {
		l.Figures = []figure{
			{Label: word(lang, "kpi.projects"), To: i18n.Int(lang, sum.Snapshot.Projects)},
			{Label: word(lang, "kpi.organisations"), To: i18n.Int(lang, sum.Snapshot.Organisations)},
			{Label: word(lang, "kpi.signals"), To: i18n.Int(lang, sum.Snapshot.Signals)},
		}
	}
	horizon := sum.Now.AddDate(0, 0, 14)
	for _, d := range sum.Decisions {
		if d.DueDate == nil || d.Status == "done" || d.Status == "dropped" {
			continue
		}
		due := d.DueDate.Time
		if due.After(horizon) {
			continue
		}
		text := d.Rationale
		if d.Owner != "" {
			text += " (" + d.Owner + ")"
		}
		l.Due = append(l.Due, i18n.Date(lang, due)+": "+text)
	}
	return render("snapshot", sub.Email, l)
}

// ComposeDigest writes the weekly digest for one subscriber; link opens
// the digest page.
func ComposeDigest(m *portfolio.Mission, d *snapshot.Digest, link string, sub portfolio.Subscription) (Message, error) {
	lang := sub.Lang
	title := m.Title.In(lang)
	l := &letter{Lang: lang, Link: link, LinkIntro: word(lang, "digest.open"),
		Subject: fmt.Sprintf(word(lang, "digest.subject"), title, d.From, d.To),
		Intro:   fmt.Sprintf(word(lang, "digest.intro"), d.Total, title, d.From, d.To),
		Footer:  fmt.Sprintf(word(lang, "footer"), title)}
	for _, g := range d.Groups {
		gr := group{Label: g.Label.In(lang)}
		for _, s := range g.Signals {
			gr.Signals = append(gr.Signals, s.Headline)
		}
		l.Groups = append(l.Groups, gr)
	}
	if len(d.Untagged) > 0 {
		gr := group{Label: word(lang, "digest.untagged")}
		for _, s := range d.Untagged {
			gr.Signals = append(gr.Signals, s.Headline)
		}
		l.Groups = append(l.Groups, gr)
	}
	return render("digest", sub.Email, l)
}

func render(name, to string, l *letter) (Message, error) {
	var text, html bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&text, name+".txt", l); err != nil {
		return Message{}, fmt.Errorf("mail: %s text: %w", name, err)
	}
	if err := htmlTemplates.ExecuteTemplate(&html, name+".html", l); err != nil {
		return Message{}, fmt.Errorf("mail: %s html: %w", name, err)
	}
	// A subject is one line, whatever a label holds.
	subject := strings.Join(strings.Fields(l.Subject), " ")
	return Message{To: to, Subject: subject, Text: text.String(), HTML: html.String()}, nil
}

func number(lang, kpi string, x float64) string {
	if kpi == "budget" {
		return i18n.Number(lang, x, 0)
	}
	return i18n.Int(lang, int64(math.Round(x)))
}

func termLabel(m *portfolio.Mission, scheme, term, lang string) string {
	if s := m.Scheme(scheme); s != nil {
		if t := s.Term(term); t != nil {
			return t.Label.In(lang)
		}
	}
	return term
}
