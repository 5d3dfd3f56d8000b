package gen

// The geography every generator uses: the seven comarcas of Gipuzkoa and
// its 88 municipalities. The demo writes them to
// data/demo/municipalities.csv (WriteDemo), which the server embeds as the
// reference geography; the generators of the benchmarks read them here.

type comarca struct{ code, eu, es, inessive string }

var comarcas = []comarca{
	{"E11", "Bidasoa Beherea", "Bajo Bidasoa", "Bidasoa Beherean"},
	{"E13", "Deba Beherea", "Bajo Deba", "Deba Beherean"},
	{"E14", "Debagoiena", "Alto Deba", "Debagoienean"},
	{"E15", "Donostialdea", "Donostialdea", "Donostialdean"},
	{"E23", "Goierri", "Goierri", "Goierrin"},
	{"E39", "Tolosaldea", "Tolosa", "Tolosaldean"},
	{"E42", "Urola Kosta", "Urola Costa", "Urola Kostan"},
}

type municipality struct {
	code, eu, es, comarca string
	population            int
	lat, lon              float64
}

// The 88 municipalities of Gipuzkoa: INE code, Basque and Spanish name, Eustat comarca,
// population 2021 (Udalmap) and an approximate centroid.
var municipalities = []municipality{
	{"20001", "Abaltzisketa", "Abaltzisketa", "E39", 307, 43.038, -2.106},
	{"20002", "Aduna", "Aduna", "E39", 478, 43.213, -2.056},
	{"20003", "Aizarnazabal", "Aizarnazabal", "E42", 771, 43.264, -2.233},
	{"20004", "Albiztur", "Albiztur", "E39", 302, 43.131, -2.139},
	{"20005", "Alegia", "Alegia", "E39", 1816, 43.099, -2.100},
	{"20006", "Alkiza", "Alkiza", "E39", 348, 43.170, -2.115},
	{"20007", "Altzo", "Altzo", "E39", 396, 43.097, -2.068},
	{"20008", "Amezketa", "Amezketa", "E39", 927, 43.048, -2.072},
	{"20009", "Andoain", "Andoain", "E15", 14866, 43.216, -2.013},
	{"20010", "Anoeta", "Anoeta", "E39", 2112, 43.168, -2.075},
	{"20011", "Antzuola", "Antzuola", "E14", 2146, 43.098, -2.375},
	{"20012", "Arama", "Arama", "E23", 205, 43.059, -2.163},
	{"20013", "Aretxabaleta", "Aretxabaleta", "E14", 7118, 43.019, -2.486},
	{"20014", "Asteasu", "Asteasu", "E39", 1518, 43.204, -2.115},
	{"20015", "Ataun", "Ataun", "E23", 1707, 42.973, -2.163},
	{"20016", "Aia", "Aia", "E42", 2033, 43.243, -2.150},
	{"20017", "Azkoitia", "Azkoitia", "E42", 11962, 43.175, -2.329},
	{"20018", "Azpeitia", "Azpeitia", "E42", 15329, 43.163, -2.260},
	{"20019", "Beasain", "Beasain", "E23", 13845, 43.072, -2.219},
	{"20020", "Beizama", "Beizama", "E42", 118, 43.126, -2.203},
	{"20021", "Belauntza", "Belauntza", "E39", 272, 43.136, -2.039},
	{"20022", "Berastegi", "Berastegi", "E39", 1073, 43.131, -1.961},
	{"20023", "Berrobi", "Berrobi", "E39", 603, 43.146, -2.026},
	{"20024", "Bidania-Goiatz", "Bidania-Goiatz", "E39", 537, 43.135, -2.165},
	{"20025", "Zegama", "Zegama", "E23", 1556, 42.965, -2.296},
	{"20026", "Zerain", "Zerain", "E23", 279, 43.010, -2.292},
	{"20027", "Zestoa", "Zestoa", "E42", 3781, 43.236, -2.242},
	{"20028", "Zizurkil", "Zizurkil", "E39", 2926, 43.217, -2.078},
	{"20029", "Deba", "Deba", "E13", 5437, 43.263, -2.320},
	{"20030", "Eibar", "Eibar", "E13", 27195, 43.196, -2.466},
	{"20031", "Elduain", "Elduain", "E39", 240, 43.163, -1.975},
	{"20032", "Elgoibar", "Elgoibar", "E13", 11384, 43.215, -2.404},
	{"20033", "Elgeta", "Elgeta", "E14", 1121, 43.148, -2.483},
	{"20034", "Eskoriatza", "Eskoriatza", "E14", 4131, 43.000, -2.533},
	{"20035", "Ezkio-Itsaso", "Ezkio-Itsaso", "E23", 638, 43.084, -2.267},
	{"20036", "Hondarribia", "Hondarribia", "E11", 17014, 43.361, -1.826},
	{"20037", "Gaintza", "Gaintza", "E23", 129, 43.054, -2.131},
	{"20038", "Gabiria", "Gabiria", "E23", 526, 43.052, -2.296},
	{"20039", "Getaria", "Getaria", "E42", 2839, 43.294, -2.214},
	{"20040", "Hernani", "Hernani", "E15", 20588, 43.236, -1.943},
	{"20041", "Hernialde", "Hernialde", "E39", 321, 43.154, -2.095},
	{"20042", "Ibarra", "Ibarra", "E39", 4179, 43.143, -2.049},
	{"20043", "Idiazabal", "Idiazabal", "E23", 2336, 42.987, -2.233},
	{"20044", "Ikaztegieta", "Ikaztegieta", "E39", 476, 43.091, -2.121},
	{"20045", "Irun", "Irun", "E11", 60522, 43.319, -1.784},
	{"20046", "Irura", "Irura", "E39", 1837, 43.166, -2.057},
	{"20047", "Itsasondo", "Itsasondo", "E23", 675, 43.082, -2.181},
	{"20048", "Larraul", "Larraul", "E39", 261, 43.186, -2.122},
	{"20049", "Lazkao", "Lazkao", "E23", 5810, 43.018, -2.166},
	{"20050", "Leaburu", "Leaburu", "E39", 368, 43.121, -2.055},
	{"20051", "Legazpi", "Legazpi", "E23", 8336, 43.029, -2.342},
	{"20052", "Legorreta", "Legorreta", "E39", 1485, 43.089, -2.152},
	{"20053", "Lezo", "Lezo", "E15", 6087, 43.328, -1.878},
	{"20054", "Lizartza", "Lizartza", "E39", 648, 43.094, -2.030},
	{"20055", "Arrasate", "Mondragón", "E14", 21729, 43.070, -2.500},
	{"20056", "Mutriku", "Mutriku", "E13", 5314, 43.293, -2.399},
	{"20057", "Mutiloa", "Mutiloa", "E23", 240, 43.028, -2.281},
	{"20058", "Olaberria", "Olaberria", "E23", 950, 43.024, -2.207},
	{"20059", "Oñati", "Oñati", "E14", 11367, 43.011, -2.414},
	{"20060", "Orexa", "Orexa", "E39", 111, 43.090, -2.003},
	{"20061", "Orio", "Orio", "E42", 6107, 43.287, -2.107},
	{"20062", "Ormaiztegi", "Ormaiztegi", "E23", 1252, 43.042, -2.252},
	{"20063", "Oiartzun", "Oiartzun", "E15", 10297, 43.276, -1.839},
	{"20064", "Pasaia", "Pasaia", "E15", 16612, 43.339, -1.894},
	{"20065", "Soraluze", "Placencia de las Armas", "E13", 3838, 43.178, -2.412},
	{"20066", "Errezil", "Errezil", "E42", 585, 43.176, -2.185},
	{"20067", "Errenteria", "Errenteria", "E15", 39755, 43.264, -1.888},
	{"20068", "Leintz-Gatzaga", "Leintz-Gatzaga", "E14", 226, 42.975, -2.565},
	{"20069", "Donostia", "San Sebastián", "E15", 182088, 43.295, -1.988},
	{"20070", "Segura", "Segura", "E23", 1476, 42.996, -2.260},
	{"20071", "Tolosa", "Tolosa", "E39", 19688, 43.106, -2.081},
	{"20072", "Urnieta", "Urnieta", "E15", 6172, 43.227, -1.972},
	{"20073", "Usurbil", "Usurbil", "E15", 6146, 43.273, -2.063},
	{"20074", "Bergara", "Bergara", "E14", 14804, 43.125, -2.429},
	{"20075", "Villabona", "Villabona", "E39", 5755, 43.180, -2.031},
	{"20076", "Ordizia", "Ordizia", "E23", 10057, 43.059, -2.181},
	{"20077", "Urretxu", "Urretxu", "E23", 6835, 43.097, -2.331},
	{"20078", "Zaldibia", "Zaldibia", "E23", 1636, 43.025, -2.137},
	{"20079", "Zarautz", "Zarautz", "E42", 23243, 43.274, -2.169},
	{"20080", "Zumarraga", "Zumarraga", "E23", 9626, 43.102, -2.310},
	{"20081", "Zumaia", "Zumaia", "E42", 9983, 43.285, -2.245},
	{"20901", "Mendaro", "Mendaro", "E13", 2002, 43.247, -2.382},
	{"20902", "Lasarte-Oria", "Lasarte-Oria", "E15", 19294, 43.260, -2.013},
	{"20903", "Astigarraga", "Astigarraga", "E15", 7056, 43.278, -1.934},
	{"20904", "Baliarrain", "Baliarrain", "E39", 155, 43.072, -2.133},
	{"20905", "Orendain", "Orendain", "E39", 225, 43.078, -2.107},
	{"20906", "Altzaga", "Altzaga", "E23", 170, 43.065, -2.151},
	{"20907", "Gaztelu", "Gaztelu", "E39", 179, 43.108, -2.020},
}

// populationYear is the year of the municipalities' populations.
const populationYear = 2021

func comarcaOf(code string) *comarca {
	for i := range comarcas {
		if comarcas[i].code == code {
			return &comarcas[i]
		}
	}
	panic("gen: unknown comarca " + code)
}

func muniByCode(code string) municipality {
	for _, m := range municipalities {
		if m.code == code {
			return m
		}
	}
	panic("gen: unknown municipality " + code)
}
