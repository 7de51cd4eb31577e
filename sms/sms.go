// Package sms sends text messages to customers' phones: the one-time links
// and codes of electronic callbacks (docs/electronic.md). A Sender is either
// HTTP, an adapter for an SMS gateway, or Outbox, which keeps the messages
// for an insurer's administrator to read instead of sending them.
package sms

import (
	"context"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/pii"
)

// Message kinds.
const (
	KindLink = "link" // the link to an electronic callback
	KindCode = "code" // a one-time code
)

// Message is one text message to a customer.
type Message struct {
	OrgID int64     // the insurer it is sent for
	To    string    // a mainland mobile number, 11 digits
	Kind  string    // KindLink or KindCode
	Text  string    // the whole text, in Chinese
	At    time.Time // when it was handed over (the service's clock)
}

// Sender sends text messages. An error means the message was not accepted.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Outbox is the development sender: it keeps each message in the database,
// the number masked, where the insurer's administrators read them in the web
// UI. Nothing reaches a phone.
type Outbox struct {
	Store OutboxStore
}

// OutboxStore keeps the messages an Outbox does not send.
type OutboxStore interface {
	AddOutbox(ctx context.Context, m *huifang.OutboxMessage) error
}

// Send keeps the message.
func (o Outbox) Send(ctx context.Context, m Message) error {
	return o.Store.AddOutbox(ctx, &huifang.OutboxMessage{OrgID: m.OrgID, At: m.At, PhoneMasked: pii.MaskPhone(m.To), Kind: m.Kind, Body: m.Text})
}
