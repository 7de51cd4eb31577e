// Package bench measures huifang against bare database baselines in the same
// run, so figures compare as ratios on whatever machine runs them: the policy
// import against a bare bulk insert of the same rows, and the next-callback
// claim against a bare FOR UPDATE SKIP LOCKED claim loop. `huifang bench`
// runs it; docs/performance.md records the figures.
package bench

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
)

// Fixture is the reference data every benchmark org gets.
var Fixture = struct {
	Branches, Products, Agents, Outlets string
}{
	Branches: "机构代码,机构名称,上级机构代码\n86,总公司,\n8601,省分公司,86\n860101,市分公司,8601\n86010101,营业部,860101\n",
	Products: "产品代码,产品名称,设计类型,保险期间,保证续保,犹豫期天数\nL20,康宁终身寿险,传统,终身,否,15\nP10,金瑞两全保险（分红型）,分红,10,否,15\nU01,鑫享万能型终身寿险,万能,终身,否,15\nH01,安康重大疾病保险,健康,30,否,20\n",
	Agents:   "业务员代码,姓名,手机号,机构代码,执业证号,状态\nA001,李明,13900000001,86010101,00020231001,在职\nA002,王芳,13900000002,86010101,00020231002,在职\n",
	Outlets:  "网点代码,网点名称,所属银行,机构代码\nB001,工商银行人民路支行,工商银行,86010101\n",
}

// PolicyHeader is the header of the synthetic policy file.
const PolicyHeader = "保单号,产品代码,销售渠道,机构代码,业务员代码,银行网点代码,投保人姓名,投保人证件号码,投保人出生日期,投保人手机号,被保险人姓名,投保日期,承保日期,回执签收日期,保费,缴费方式,缴费年期,保险期间\n"

var products = []string{"L20", "P10", "U01", "H01"}
var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
var given = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")

// Row is one synthetic policy, the same whether written to the file or inserted bare.
type Row struct {
	No, Product, Channel, Agent, Outlet, Holder, ID, Phone string
	Birth, Applied, Issued, Receipt                        huifang.Date
	PremiumFen                                             int64
}

// MakeRow builds the i-th synthetic policy, with receipts spread over the 30
// days before today.
func MakeRow(i int, today huifang.Date) Row {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	birth := huifang.NewDate(1950+r.IntN(50), time.Month(1+r.IntN(12)), 1+r.IntN(28))
	receipt := today.AddDays(-r.IntN(30))
	row := Row{
		No:      fmt.Sprintf("BP%010d", i),
		Product: products[i%len(products)],
		Channel: "个险", Agent: "A001",
		Holder: string([]rune{surnames[r.IntN(len(surnames))], given[r.IntN(len(given))], given[r.IntN(len(given))]}),
		ID:     importer.ValidIDNumber("110101", birth, i%1000),
		Phone:  fmt.Sprintf("13%d%08d", 5+i%5, i%100000000),
		Birth:  birth, Applied: receipt.AddDays(-10), Issued: receipt.AddDays(-5), Receipt: receipt,
		PremiumFen: int64(100000 + r.IntN(5000000)),
	}
	if i%4 == 1 {
		row.Channel, row.Agent, row.Outlet = "银保", "", "B001"
	}
	return row
}

// WritePolicies writes n synthetic policies as a UTF-8 CSV file.
func WritePolicies(path string, n int, today huifang.Date) error {
	return writePolicyRows(path, 1, n, func(i int) (Row, string) { return MakeRow(i, today), "86010101" })
}

// writePolicyRows writes the policies from..to that row makes (each with
// its sales unit) as a UTF-8 CSV file.
func writePolicyRows(path string, from, to int, row func(i int) (Row, string)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	io.WriteString(w, PolicyHeader)
	var b strings.Builder
	for i := from; i <= to; i++ {
		r, unit := row(i)
		b.Reset()
		for _, s := range []string{r.No, r.Product, r.Channel, unit, r.Agent, r.Outlet, r.Holder, r.ID, r.Birth.String(), r.Phone, r.Holder,
			r.Applied.String(), r.Issued.String(), r.Receipt.String(), strconv.FormatInt(r.PremiumFen/100, 10) + "." + fmt.Sprintf("%02d", r.PremiumFen%100), "年交", "10", ""} {
			b.WriteString(s)
			b.WriteByte(',')
		}
		s := b.String()
		w.WriteString(s[:len(s)-1])
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
