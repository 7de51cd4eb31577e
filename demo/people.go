package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/importer"
)

// Names are drawn from the most common surnames and given-name characters, so
// that lists look like a Chinese company's lists; some repeat, as real names do.
var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
	"余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"石", "廖", "贾", "夏", "韦", "付", "方", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "顾", "钱", "严", "戴", "陶",
}

var maleGiven = []string{
	"伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "斌", "宇", "浩",
	"凯", "健", "俊", "旭", "宁", "龙", "林", "阳", "建国", "建华", "志强", "志明", "国庆", "海涛", "文博", "子轩", "浩然",
	"宇航", "俊杰", "晓东", "立新", "永康", "德明", "振华", "家豪", "天佑", "一鸣", "明轩", "宏伟", "卫东", "春生", "学军",
}

var femaleGiven = []string{
	"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "玲", "婷", "雪", "慧", "颖", "琳", "洁", "燕", "红", "梅", "丹", "萍",
	"倩", "晶", "佳", "欣", "怡", "秀英", "桂英", "雨涵", "梓涵", "诗琪", "思雨", "晓燕", "丽华", "美玲", "文静", "海燕",
	"春梅", "淑珍", "玉兰", "秀兰", "婉清", "欣怡", "语桐", "佳琪", "雅婷", "晓敏", "丽娟", "雪梅", "凤英", "月华",
}

// mobilePrefixes are the number blocks of the three operators.
var mobilePrefixes = []string{
	"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157",
	"158", "159", "166", "173", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "199",
}

// people makes names, birth dates, ID and mobile numbers, never handing out
// the same ID or mobile number twice.
type people struct {
	r      *rand.Rand
	phones map[string]bool
	ids    map[string]bool
}

func newPeople(r *rand.Rand) *people {
	return &people{r: r, phones: map[string]bool{}, ids: map[string]bool{}}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// name makes a full name of the given sex; surname "" draws one.
func (p *people) name(male bool, surname string) string {
	if surname == "" {
		surname = pick(p.r, surnames)
	}
	if male {
		return surname + pick(p.r, maleGiven)
	}
	return surname + pick(p.r, femaleGiven)
}

// mobile makes a mobile number not handed out before.
func (p *people) mobile() string {
	for {
		m := pick(p.r, mobilePrefixes) + fmt.Sprintf("%08d", p.r.IntN(100_000_000))
		if !p.phones[m] {
			p.phones[m] = true
			return m
		}
	}
}

// person is a policyholder.
type person struct {
	Name  string
	Male  bool
	Birth huifang.Date
	ID    string
	Phone string
}

// person makes someone aged between minAge and maxAge on today, registered
// in area (a six-digit administrative code), with a valid ID number whose
// birth date and sex digit match.
func (p *people) person(today huifang.Date, minAge, maxAge int, area string) person {
	male := p.r.IntN(2) == 0
	age := minAge + p.r.IntN(maxAge-minAge+1)
	birth := today.AddDays(-age*365 - p.r.IntN(365))
	for {
		seq := p.r.IntN(500) * 2 // even: a woman
		if male {
			seq++
		}
		id := importer.ValidIDNumber(area, birth, seq)
		if !p.ids[id] {
			p.ids[id] = true
			return person{Name: p.name(male, ""), Male: male, Birth: birth, ID: id, Phone: p.mobile()}
		}
	}
}

// Where policyholders are registered: mostly the province's own districts,
// some from the provinces people move to Jiangsu from.
var migrantAreas = []string{"340104", "341202", "410105", "511602", "360102", "370102", "130102", "420106", "430104"}
