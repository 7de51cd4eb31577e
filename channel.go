package huifang

// Channel is a sales channel.
type Channel string

// Sales channels.
const (
	ChannelAgency    Channel = "agency"        // 个险
	ChannelBank      Channel = "bancassurance" // 银保
	ChannelBroker    Channel = "broker"        // 经代
	ChannelTelesales Channel = "telesales"     // 电销
	ChannelInternet  Channel = "internet"      // 网销
	ChannelGroup     Channel = "group"         // 团险
)

// Channels lists the channels in display order.
var Channels = []Channel{ChannelAgency, ChannelBank, ChannelBroker, ChannelTelesales, ChannelInternet, ChannelGroup}

var channelZH = map[Channel]string{
	ChannelAgency: "个险", ChannelBank: "银保", ChannelBroker: "经代", ChannelTelesales: "电销", ChannelInternet: "网销", ChannelGroup: "团险",
}

// ZH is the Chinese name used in files; pages show Key through the catalog.
func (c Channel) ZH() string { return channelZH[c] }

// Key is the catalog key of the channel's name (package i18n).
func (c Channel) Key() string { return "channel." + string(c) }

// ParseChannel accepts the Chinese or English name.
func ParseChannel(s string) (Channel, bool) {
	for _, c := range Channels {
		if s == string(c) || s == channelZH[c] {
			return c, true
		}
	}
	return "", false
}
