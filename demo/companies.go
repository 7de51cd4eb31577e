package demo

import "github.com/huifang/huifang"

// The demo's world: one regulator and five fictional companies in Jiangsu.
// Every name is made up; any likeness to a real company is by accident.

// RegulatorCode is the demo regulator's code. The command line takes a
// database holding it for a demo database, which it may erase.
const RegulatorCode = "SZ-CBIRC"

const regulatorName = "某某保监局"

// city is a prefecture-level city: its city branch and its sales units.
type city struct {
	name  string // 南京
	units []unit
}

// unit is a sales unit with the administrative code of its district, which
// the ID numbers of local customers start with.
type unit struct {
	name string // 玄武营销服务部
	area string // 320102
}

var (
	nanjing   = city{"南京", []unit{{"玄武营销服务部", "320102"}, {"鼓楼营销服务部", "320106"}, {"江宁支公司", "320115"}}}
	suzhou    = city{"苏州", []unit{{"姑苏营销服务部", "320508"}, {"吴中营销服务部", "320506"}, {"昆山支公司", "320583"}}}
	wuxi      = city{"无锡", []unit{{"梁溪营销服务部", "320213"}, {"滨湖营销服务部", "320211"}}}
	changzhou = city{"常州", []unit{{"天宁营销服务部", "320402"}, {"武进支公司", "320412"}}}
	nantong   = city{"南通", []unit{{"崇川营销服务部", "320602"}, {"如皋支公司", "320682"}, {"海门支公司", "320684"}}}
	xuzhou    = city{"徐州", []unit{{"云龙营销服务部", "320303"}, {"邳州支公司", "320382"}}}
	yangzhou  = city{"扬州", []unit{{"广陵营销服务部", "321002"}, {"邗江营销服务部", "321003"}, {"仪征支公司", "321081"}}}
)

// banks sell bancassurance at their outlets.
var banks = []string{"中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "招商银行", "中国邮政储蓄银行", "江苏银行"}

// payOption is one way a product is paid: the mode, the paying years to
// choose from and the premium per payment, in yuan.
type payOption struct {
	mode     huifang.PayMode
	years    []int
	min, max int
	weight   int
}

// productSpec is a product and how it sells.
type productSpec struct {
	code, name string
	design     huifang.DesignType
	term       huifang.Term   // the product's term
	terms      []huifang.Term // terms a policy may choose; nil: the product's
	renewal    bool           // guaranteed renewal
	coolingOff int
	channels   map[huifang.Channel]int // weight per channel that sells it
	pay        []payOption
	minAge     int
	maxAge     int
}

// company is an insurer of the demo.
type company struct {
	code, name, login string
	policyPrefix      string // first digits of its policy numbers
	share             int    // share of the demo's policies, in percent
	staffing          float64
	channels          map[huifang.Channel]int // weight of each sales channel
	cities            []city
	products          []productSpec
}

var (
	wholeLife = huifang.Term{WholeLife: true}
	oneYear   = huifang.Term{Years: 1}
)

func years(ns ...int) []huifang.Term {
	out := make([]huifang.Term, len(ns))
	for i, n := range ns {
		out[i] = huifang.Term{Years: n}
	}
	return out
}

func ch(kv ...any) map[huifang.Channel]int {
	m := map[huifang.Channel]int{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(huifang.Channel)] = kv[i+1].(int)
	}
	return m
}

const (
	agency    = huifang.ChannelAgency
	bank      = huifang.ChannelBank
	broker    = huifang.ChannelBroker
	telesales = huifang.ChannelTelesales
	internet  = huifang.ChannelInternet
	group     = huifang.ChannelGroup
)

// companies lists the insurers. staffing is how many calls the callback
// centre makes per day against what comes in: above 1 it keeps up, below 1
// it falls behind (东方聚富 added its wealth-management callbacks only when
// the bureau widened the scope, and is weeks behind).
var companies = []company{
	{
		code: "HTAK", name: "华泰安康人寿保险股份有限公司", login: "hta", policyPrefix: "8801", share: 28, staffing: 0.95,
		channels: ch(agency, 58, bank, 14, internet, 10, telesales, 6, broker, 6, group, 6),
		cities:   []city{nanjing, suzhou, wuxi},
		products: []productSpec{
			{code: "HT1001", name: "安康福享终身寿险", design: huifang.DesignTraditional, term: wholeLife, coolingOff: 20,
				channels: ch(agency, 30, broker, 20), minAge: 25, maxAge: 55,
				pay: []payOption{{huifang.PayAnnual, []int{10, 20}, 3000, 30000, 1}}},
			{code: "HT1002", name: "安康金玉满堂两全保险（分红型）", design: huifang.DesignParticipating, term: huifang.Term{Years: 15}, terms: years(10, 15, 20), coolingOff: 15,
				channels: ch(agency, 25, bank, 50), minAge: 30, maxAge: 68,
				pay: []payOption{{huifang.PayAnnual, []int{3, 5, 10}, 10000, 100000, 3}, {huifang.PaySingle, []int{1}, 50000, 300000, 2}}},
			{code: "HT1003", name: "安康智盈人生终身寿险（万能型）", design: huifang.DesignUniversal, term: wholeLife, coolingOff: 15,
				channels: ch(agency, 10, bank, 35), minAge: 30, maxAge: 70,
				pay: []payOption{{huifang.PaySingle, []int{1}, 20000, 500000, 3}, {huifang.PayAnnual, []int{5}, 10000, 50000, 1}}},
			{code: "HT1004", name: "安康鑫动力投资连结保险", design: huifang.DesignInvestment, term: wholeLife, coolingOff: 15,
				channels: ch(agency, 6, bank, 15), minAge: 30, maxAge: 65,
				pay: []payOption{{huifang.PaySingle, []int{1}, 50000, 1000000, 1}}},
			{code: "HT2001", name: "安康无忧重大疾病保险", design: huifang.DesignHealth, term: wholeLife, coolingOff: 20,
				channels: ch(agency, 35, broker, 25, telesales, 20), minAge: 22, maxAge: 55,
				pay: []payOption{{huifang.PayAnnual, []int{20, 30}, 3000, 20000, 3}, {huifang.PayMonthly, []int{20}, 300, 1500, 1}}},
			{code: "HT2002", name: "安康e生百万医疗保险", design: huifang.DesignHealth, term: oneYear, renewal: true, coolingOff: 15,
				channels: ch(internet, 60, telesales, 30, agency, 8), minAge: 22, maxAge: 60,
				pay: []payOption{{huifang.PaySingle, []int{1}, 200, 2000, 3}, {huifang.PayMonthly, []int{1}, 20, 150, 1}}},
			{code: "HT3001", name: "安康出行综合意外伤害保险", design: huifang.DesignAccident, term: oneYear, coolingOff: 15,
				channels: ch(internet, 40, agency, 8), minAge: 20, maxAge: 60,
				pay: []payOption{{huifang.PaySingle, []int{1}, 100, 600, 1}}},
			{code: "HT9001", name: "华泰安康团体意外伤害保险", design: huifang.DesignAccident, term: oneYear, coolingOff: 15,
				channels: ch(group, 1), minAge: 30, maxAge: 55,
				pay: []payOption{{huifang.PaySingle, []int{1}, 20000, 300000, 1}}},
		},
	},
	{
		code: "GMRS", name: "国民人寿保险股份有限公司", login: "gm", policyPrefix: "6602", share: 22, staffing: 1.15,
		channels: ch(bank, 60, agency, 24, broker, 5, telesales, 5, group, 6),
		cities:   []city{nanjing, changzhou, nantong},
		products: []productSpec{
			{code: "GM1001", name: "国民福满年金保险", design: huifang.DesignTraditional, term: huifang.Term{Years: 15}, terms: years(10, 15), coolingOff: 15,
				channels: ch(bank, 30, agency, 30, broker, 20), minAge: 30, maxAge: 65,
				pay: []payOption{{huifang.PayAnnual, []int{3, 5, 10}, 10000, 100000, 1}}},
			{code: "GM1002", name: "国民稳赢两全保险（分红型）", design: huifang.DesignParticipating, term: huifang.Term{Years: 6}, terms: years(5, 6, 10), coolingOff: 15,
				channels: ch(bank, 50, agency, 15, telesales, 40), minAge: 35, maxAge: 70,
				pay: []payOption{{huifang.PaySingle, []int{1}, 50000, 500000, 2}, {huifang.PayAnnual, []int{3, 5}, 20000, 100000, 1}}},
			{code: "GM1003", name: "国民金账户年金保险（万能型）", design: huifang.DesignUniversal, term: wholeLife, coolingOff: 15,
				channels: ch(bank, 35, agency, 10), minAge: 30, maxAge: 70,
				pay: []payOption{{huifang.PaySingle, []int{1}, 10000, 300000, 1}}},
			{code: "GM2001", name: "国民康宁重大疾病保险", design: huifang.DesignHealth, term: wholeLife, coolingOff: 15,
				channels: ch(agency, 45, broker, 30, telesales, 30), minAge: 22, maxAge: 55,
				pay: []payOption{{huifang.PayAnnual, []int{20}, 3000, 12000, 1}}},
			{code: "GM9001", name: "国民团体补充医疗保险", design: huifang.DesignHealth, term: oneYear, coolingOff: 15,
				channels: ch(group, 1), minAge: 30, maxAge: 55,
				pay: []payOption{{huifang.PaySingle, []int{1}, 30000, 400000, 1}}},
		},
	},
	{
		code: "ZHRS", name: "中和人寿保险有限公司", login: "zh", policyPrefix: "3303", share: 18, staffing: 0.9,
		channels: ch(broker, 34, agency, 34, bank, 14, internet, 12, group, 6),
		cities:   []city{suzhou, wuxi},
		products: []productSpec{
			{code: "ZH1001", name: "中和守护定期寿险", design: huifang.DesignTraditional, term: huifang.Term{Years: 20}, terms: years(20, 30), coolingOff: 15,
				channels: ch(broker, 35, agency, 25, internet, 40), minAge: 25, maxAge: 50,
				pay: []payOption{{huifang.PayAnnual, []int{20, 30}, 500, 5000, 1}}},
			{code: "ZH1002", name: "中和精选投资连结保险", design: huifang.DesignInvestment, term: wholeLife, coolingOff: 15,
				channels: ch(broker, 15, bank, 50, agency, 10), minAge: 30, maxAge: 65,
				pay: []payOption{{huifang.PaySingle, []int{1}, 100000, 1000000, 1}}},
			{code: "ZH1003", name: "中和鑫享年金保险（分红型）", design: huifang.DesignParticipating, term: huifang.Term{Years: 20}, coolingOff: 15,
				channels: ch(bank, 50, agency, 25, broker, 15), minAge: 30, maxAge: 65,
				pay: []payOption{{huifang.PayAnnual, []int{5, 10}, 10000, 80000, 1}}},
			{code: "ZH2001", name: "中和康健一生重大疾病保险", design: huifang.DesignHealth, term: wholeLife, coolingOff: 20,
				channels: ch(broker, 35, agency, 40), minAge: 22, maxAge: 55,
				pay: []payOption{{huifang.PayAnnual, []int{20, 30}, 3000, 20000, 1}}},
			{code: "ZH2002", name: "中和优选住院医疗保险", design: huifang.DesignHealth, term: oneYear, coolingOff: 15,
				channels: ch(internet, 60), minAge: 22, maxAge: 60,
				pay: []payOption{{huifang.PaySingle, []int{1}, 150, 1200, 1}}},
			{code: "ZH9001", name: "中和团体定期寿险", design: huifang.DesignTraditional, term: oneYear, coolingOff: 15,
				channels: ch(group, 1), minAge: 30, maxAge: 55,
				pay: []payOption{{huifang.PaySingle, []int{1}, 10000, 150000, 1}}},
		},
	},
	{
		code: "PRRS", name: "平瑞人寿保险股份有限公司", login: "pr", policyPrefix: "5505", share: 20, staffing: 0.85,
		channels: ch(agency, 40, telesales, 28, internet, 14, bank, 12, group, 6),
		cities:   []city{nanjing, xuzhou, yangzhou},
		products: []productSpec{
			{code: "PR1001", name: "平瑞安享终身寿险", design: huifang.DesignTraditional, term: wholeLife, coolingOff: 15,
				channels: ch(agency, 30), minAge: 25, maxAge: 55,
				pay: []payOption{{huifang.PayAnnual, []int{10, 20}, 3000, 25000, 1}}},
			{code: "PR1002", name: "平瑞鑫福年金保险（分红型）", design: huifang.DesignParticipating, term: huifang.Term{Years: 15}, coolingOff: 15,
				channels: ch(agency, 30, telesales, 30, bank, 100), minAge: 30, maxAge: 65,
				pay: []payOption{{huifang.PayAnnual, []int{3, 5, 10}, 5000, 60000, 2}, {huifang.PaySingle, []int{1}, 30000, 200000, 1}}},
			{code: "PR2001", name: "平瑞e家医疗保险", design: huifang.DesignHealth, term: oneYear, coolingOff: 15,
				channels: ch(internet, 50, telesales, 20), minAge: 22, maxAge: 60,
				pay: []payOption{{huifang.PaySingle, []int{1}, 150, 1500, 1}}},
			{code: "PR3001", name: "平瑞守护30年意外伤害保险", design: huifang.DesignAccident, term: huifang.Term{Years: 30}, coolingOff: 15,
				channels: ch(telesales, 50, agency, 30), minAge: 22, maxAge: 50,
				pay: []payOption{{huifang.PayAnnual, []int{10, 20}, 1000, 5000, 1}}},
			{code: "PR3002", name: "平瑞畅行交通意外伤害保险", design: huifang.DesignAccident, term: oneYear, coolingOff: 15,
				channels: ch(internet, 50, telesales, 10, agency, 10), minAge: 20, maxAge: 60,
				pay: []payOption{{huifang.PaySingle, []int{1}, 50, 300, 1}}},
			{code: "PR9001", name: "平瑞团体意外伤害保险", design: huifang.DesignAccident, term: oneYear, coolingOff: 15,
				channels: ch(group, 1), minAge: 30, maxAge: 55,
				pay: []payOption{{huifang.PaySingle, []int{1}, 10000, 200000, 1}}},
		},
	},
	{
		code: "DFJF", name: "东方聚富财产保险股份有限公司", login: "df", policyPrefix: "7707", share: 12, staffing: 0.55,
		channels: ch(bank, 45, agency, 30, internet, 17, group, 8),
		cities:   []city{nanjing, suzhou},
		products: []productSpec{
			{code: "DF5001", name: "聚富稳盈投资型家庭财产保险", design: huifang.DesignNonLifeWealth, term: huifang.Term{Years: 3}, coolingOff: 15,
				channels: ch(bank, 60, agency, 40), minAge: 30, maxAge: 70,
				pay: []payOption{{huifang.PaySingle, []int{1}, 10000, 200000, 1}}},
			{code: "DF5002", name: "聚富年年盈投资型意外伤害保险", design: huifang.DesignNonLifeWealth, term: huifang.Term{Years: 5}, coolingOff: 15,
				channels: ch(bank, 40, agency, 20), minAge: 30, maxAge: 70,
				pay: []payOption{{huifang.PaySingle, []int{1}, 50000, 300000, 1}}},
			{code: "DF3001", name: "聚富驾乘人员意外伤害保险", design: huifang.DesignAccident, term: oneYear, coolingOff: 15,
				channels: ch(agency, 40, internet, 40), minAge: 20, maxAge: 65,
				pay: []payOption{{huifang.PaySingle, []int{1}, 100, 500, 1}}},
			{code: "DF2001", name: "聚富安心医疗保险", design: huifang.DesignHealth, term: oneYear, coolingOff: 15,
				channels: ch(internet, 60), minAge: 20, maxAge: 60,
				pay: []payOption{{huifang.PaySingle, []int{1}, 100, 1000, 1}}},
			{code: "DF9001", name: "聚富团体意外伤害保险", design: huifang.DesignAccident, term: oneYear, coolingOff: 15,
				channels: ch(group, 1), minAge: 30, maxAge: 55,
				pay: []payOption{{huifang.PaySingle, []int{1}, 10000, 150000, 1}}},
		},
	},
}

// groupClients buy group business; the holder of a group policy is the
// employer, represented by the person who handles it (经办人).
var groupClients = []string{
	"南京恒远精密机械有限公司", "苏州新纪元电子科技有限公司", "无锡华晟纺织有限公司", "常州天成新材料股份有限公司",
	"南通长江建设工程有限公司", "徐州瑞丰物流有限公司", "扬州运河文化旅游发展有限公司", "江苏锦程医药连锁有限公司",
	"昆山立达汽车零部件有限公司", "南京智联软件技术有限公司",
}
