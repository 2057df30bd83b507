/* The profile table of callstack-modem-sim.  Identity strings follow the
 * vendors' AT command manuals (SIMCom SIM7600 Series AT Command Manual
 * V1.x 3GPP TS 27.007 section; Quectel EC25 & EC21 AT Commands Manual 2.x;
 * Huawei ME909s Series AT Command Interface Specification; SIM800 Series AT
 * Command Manual V1.09; SIM7000 Series AT Command Manual; Quectel BG96 and
 * RG50xQ/RM5xxQ AT manuals; Sierra Wireless AirPrime EM/MC74xx AT Command
 * Reference; u-blox SARA-U2/LARA-R2 AT Commands Manual; Telit LE910Cx AT
 * Commands Reference Guide).  Serial numbers are made up: IMEIs are
 * Luhn-valid 35123456..., IMSIs use the test network 001-01, ICCIDs 8901...
 */
#include "sim-profile.h"

#include <strings.h>

static const SimVendorCmd vendor_simcom[] = {
        { "+CICCID", "+ICCID: {iccid}" },
        { "+CCID", "+CCID: {iccid}" },
        { "+CPSI?", "+CPSI: LTE,Online,001-01,0x1A2B,30000001,310,EUTRAN-BAND3,1300,5,5,-94,-1038,-736,15" },
        { "+CNMP?", "+CNMP: 2" },
        { "+CNSMOD?", "+CNSMOD: 0,8" },
        { "+CPCMREG?", "+CPCMREG: 0" },
        { "+CUSBPIDSWITCH?", "+CUSBPIDSWITCH: 9001" },
        { "+CSCLK?", "+CSCLK: 0" },
        { NULL, NULL },
};

static const SimVendorCmd vendor_sim800[] = {
        { "+CCID", "{iccid}" },
        { "+CSPN?", "+CSPN: \"SimNet\",0" },
        { "+CLTS?", "+CLTS: 0" },
        { NULL, NULL },
};

static const SimVendorCmd vendor_sim7000[] = {
        { "+CCID", "{iccid}" },
        { "+CNMP?", "+CNMP: 2" },
        { "+CMNB?", "+CMNB: 1" },
        { "+CPSI?", "+CPSI: LTE CAT-M1,Online,001-01,0x1A2B,30000001,310,EUTRAN-BAND20,6300,3,3,-10,-94,-65,12" },
        { NULL, NULL },
};

static const SimVendorCmd vendor_quectel[] = {
        { "+QCCID", "+QCCID: {iccid}" },
        { "+CCID", "+CCID: {iccid}" },
        { "+QINISTAT", "+QINISTAT: 7" },
        { "+QNWINFO", "+QNWINFO: \"FDD LTE\",\"00101\",\"LTE BAND 3\",1300" },
        { "+QSPN", "+QSPN: \"SimNet\",\"SimNet\",\"\",0,\"00101\"" },
        { "+QCSQ", "+QCSQ: \"LTE\",-65,-94,150,-10" },
        { "+QURCCFG=\"URCPORT\"", "+QURCCFG: \"urcport\",\"usbat\"" },
        { "+QCFG=\"USBNET\"", "+QCFG: \"usbnet\",0" },
        { "+QPCMV?", "+QPCMV: 0,2" },
        { NULL, NULL },
};

static const SimVendorCmd vendor_huawei[] = {
        { "^ICCID?", "^ICCID: {iccid_swapped}" },
        { "^SYSINFO", "^SYSINFO: 2,3,0,9,1" },
        { "^SYSINFOEX", "^SYSINFOEX: 2,3,0,1,,6,\"LTE\",101,\"LTE FDD\"" },
        { "^HCSQ?", "^HCSQ: \"LTE\",52,46,147,20" },
        { "^CURC?", "^CURC: 1" },
        { "^SYSCFGEX?", "^SYSCFGEX: \"00\",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF" },
        { "^CVOICE?", "^CVOICE: 0,8000,16,20" },
        { "^DDSETEX=2", NULL },
        { NULL, NULL },
};

static const SimVendorCmd vendor_sierra[] = {
        { "!ICCID?", "ICCID: {iccid}" },
        { "!GSTATUS?", "!GSTATUS: \nCurrent Time:  1000\t\tTemperature: 38\nMode:          ONLINE\t\tSystem mode:  LTE" },
        { "!SELRAT?", "!SELRAT: 00, Automatic" },
        { "+CCID", "+CCID: {iccid}" },
        { NULL, NULL },
};

static const SimVendorCmd vendor_ublox[] = {
        { "+CCID", "+CCID: {iccid}" },
        { "+URAT?", "+URAT: 1,2" },
        { "+UPSV?", "+UPSV: 0" },
        { NULL, NULL },
};

static const SimVendorCmd vendor_telit[] = {
        { "#CCID", "#CCID: {iccid}" },
        { "+ICCID", "+ICCID: {iccid}" },
        { "#CIMI", "#CIMI: {imsi}" },
        { "#RFSTS", "#RFSTS: \"001 01\",1300,-94,-65,-10,1A2B,FF,0,1280,19,3,30000001,\"{imsi}\",\"SimNet\",3,3" },
        { "#QSS?", "#QSS: 0,1" },
        { NULL, NULL },
};

static const SimVendorCmd vendor_none[] = {
        { NULL, NULL },
};

static const SimProfile profiles[] = {
        {
                .id = "sim7600",
                .description = "SIMCom SIM7600E-H (LTE Cat-1, USB)",
                .manufacturer = "SIMCOM INCORPORATED",
                .model = "SIMCOM_SIM7600E-H",
                .revision = "LE20B04SIM7600M22",
                .cgmr_prefix = "+CGMR: ",
                .ati = "Manufacturer: SIMCOM INCORPORATED\nModel: SIMCOM_SIM7600E-H\nRevision: SIM7600M22_V2.0\nIMEI: {imei}\n+GCAP: +CGSM",
                .gcap = "+GCAP: +CGSM",
                .imei = "351234560000010",
                .imsi = "001010000000001",
                .iccid = "8901010000000000017",
                .pin_ready_urcs = "+CPIN: READY\nSMS DONE\nPB DONE",
                .memfull_urc = "+CIEV: \"SMSFULL\",1",
                .cnmi_default = "2,1,0,0,0",
                .vendor = vendor_simcom,
                .index_base = 0,
                .sm_total = 255, .me_total = 255, .sr_total = 100,
                .has_eps = true,
        },
        {
                .id = "quectel-ec25",
                .description = "Quectel EC25-E (LTE Cat-4, USB)",
                .manufacturer = "Quectel",
                .model = "EC25",
                .revision = "EC25EFAR06A06M4G",
                .cgmr_prefix = "",
                .ati = "Quectel\nEC25\nRevision: EC25EFAR06A06M4G",
                .gcap = "+GCAP: +CGSM",
                .imei = "351234560000028",
                .imsi = "001010000000002",
                .iccid = "8901010000000000025",
                .pin_ready_urcs = "+CPIN: READY\n+QUSIM: 1\n+QIND: SMS DONE\n+QIND: PB DONE",
                .memfull_urc = "+QIND: \"smsfull\",\"%s\"",
                .cnmi_default = "2,1,0,0,0",
                .vendor = vendor_quectel,
                .index_base = 0,
                .sm_total = 255, .me_total = 255, .sr_total = 100,
                .has_eps = true,
        },
        {
                .id = "huawei-me909",
                .description = "Huawei ME909s-120 (LTE, mini PCIe/USB)",
                .manufacturer = "Huawei Technologies Co., Ltd.",
                .model = "ME909s-120",
                .revision = "11.617.01.00.00",
                .cgmr_prefix = "",
                .ati = "Manufacturer: Huawei Technologies Co., Ltd.\nModel: ME909s-120\nRevision: 11.617.01.00.00\nIMEI: {imei}\n+GCAP: +CGSM,+DS,+ES",
                .gcap = "+GCAP: +CGSM,+DS,+ES",
                .imei = "351234560000036",
                .imsi = "001010000000003",
                .iccid = "8901010000000000033",
                .pin_ready_urcs = "+CPIN: READY\n^SIMST: 1\n^SRVST: 2",
                .memfull_urc = "^SMMEMFULL: \"%s\"",
                .cnmi_default = "2,1,0,0,0",
                .vendor = vendor_huawei,
                .periodic_urcs = "^RSSI: {rssi}\n^MODE: 7,6\n^SRVST: 2\n^HCSQ: \"LTE\",52,46,147,20",
                .index_base = 0,
                .sm_total = 255, .me_total = 255, .sr_total = 100,
                .has_eps = true,
        },
        {
                .id = "sim800",
                .description = "SIMCom SIM800C (GSM/GPRS, USB-serial)",
                .manufacturer = "SIMCOM_Ltd",
                .model = "SIMCOM_SIM800C",
                .revision = "1418B04SIM800C24",
                .cgmr_prefix = "Revision:",
                .ati = "SIM800 R14.18",
                .gcap = "+GCAP: +CGSM",
                .imei = "351234560000044",
                .imsi = "001010000000004",
                .iccid = "8901010000000000041",
                .pin_ready_urcs = "+CPIN: READY\nCall Ready\nSMS Ready",
                .memfull_urc = "+CIEV: \"SMSFULL\",1",
                .cnmi_default = "1,1,0,0,0",
                .vendor = vendor_sim800,
                .index_base = 1,
                .sm_total = 255, .me_total = 255, .sr_total = 50,
                .has_eps = false,
        },
        {
                .id = "sim7000",
                .description = "SIMCom SIM7000E (LTE Cat-M1/NB-IoT, USB)",
                .manufacturer = "SIMCOM_Ltd",
                .model = "SIMCOM_SIM7000E",
                .revision = "1351B03SIM7000E",
                .cgmr_prefix = "Revision:",
                .ati = "SIM7000E R1351",
                .gcap = "+GCAP: +CGSM",
                .imei = "351234560000051",
                .imsi = "001010000000005",
                .iccid = "8901010000000000058",
                .pin_ready_urcs = "+CPIN: READY\nSMS Ready",
                .memfull_urc = "+CIEV: \"SMSFULL\",1",
                .cnmi_default = "2,1,0,0,0",
                .vendor = vendor_sim7000,
                .index_base = 0,
                .sm_total = 255, .me_total = 255, .sr_total = 50,
                .has_eps = true,
        },
        {
                .id = "quectel-bg96",
                .description = "Quectel BG96 (LTE Cat-M1/NB-IoT, USB)",
                .manufacturer = "Quectel",
                .model = "BG96",
                .revision = "BG96MAR02A07M1G",
                .cgmr_prefix = "",
                .ati = "Quectel\nBG96\nRevision: BG96MAR02A07M1G",
                .gcap = "+GCAP: +CGSM",
                .imei = "351234560000069",
                .imsi = "001010000000006",
                .iccid = "8901010000000000066",
                .pin_ready_urcs = "+CPIN: READY\n+QUSIM: 1\n+QIND: SMS DONE",
                .memfull_urc = "+QIND: \"smsfull\",\"%s\"",
                .cnmi_default = "2,1,0,0,0",
                .vendor = vendor_quectel,
                .index_base = 0,
                .sm_total = 255, .me_total = 255, .sr_total = 100,
                .has_eps = true,
        },
        {
                .id = "quectel-rm500q",
                .description = "Quectel RM500Q-GL (5G, M.2/USB)",
                .manufacturer = "Quectel",
                .model = "RM500Q-GL",
                .revision = "RM500QGLABR11A06M4G",
                .cgmr_prefix = "",
                .ati = "Quectel\nRM500Q-GL\nRevision: RM500QGLABR11A06M4G",
                .gcap = "+GCAP: +CGSM",
                .imei = "351234560000077",
                .imsi = "001010000000007",
                .iccid = "8901010000000000074",
                .pin_ready_urcs = "+CPIN: READY\n+QUSIM: 1\n+QIND: SMS DONE\n+QIND: PB DONE",
                .memfull_urc = "+QIND: \"smsfull\",\"%s\"",
                .cnmi_default = "2,1,0,0,0",
                .vendor = vendor_quectel,
                .index_base = 0,
                .sm_total = 255, .me_total = 255, .sr_total = 100,
                .has_eps = true,
        },
        {
                .id = "sierra-mc7455",
                .description = "Sierra Wireless AirPrime MC7455 (LTE Cat-6, USB)",
                .manufacturer = "Sierra Wireless, Incorporated",
                .model = "MC7455",
                .revision = "SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 22:31:15",
                .cgmr_prefix = "",
                .ati = "Manufacturer: Sierra Wireless, Incorporated\nModel: MC7455\nRevision: SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 22:31:15\nMEID: 35123456000008\nIMEI: {imei}\nIMEI SV: 21\nFSN: LQ000000000001\n+GCAP: +CGSM",
                .gcap = "+GCAP: +CGSM",
                .imei = "351234560000085",
                .imsi = "001010000000008",
                .iccid = "8901010000000000082",
                .pin_ready_urcs = "+CPIN: READY",
                .memfull_urc = "+CIEV: 7,1",
                .cnmi_default = "0,0,0,0,0",
                .vendor = vendor_sierra,
                .index_base = 0,
                .sm_total = 255, .me_total = 255, .sr_total = 50,
                .has_eps = true,
        },
        {
                .id = "ublox-lara-r2",
                .description = "u-blox LARA-R280 (LTE Cat-1, USB)",
                .manufacturer = "u-blox",
                .model = "LARA-R280",
                .revision = "30.31",
                .cgmr_prefix = "",
                .ati = "Manufacturer: u-blox\nModel: LARA-R280\nRevision: 30.31\nSVN: 02\nIMEI: {imei}",
                .gcap = "+GCAP: +FCLASS, +CGSM",
                .imei = "351234560000093",
                .imsi = "001010000000009",
                .iccid = "8901010000000000090",
                .pin_ready_urcs = "+CPIN: READY",
                .memfull_urc = "+CIEV: 7,1",
                .cnmi_default = "1,0,0,0,0",
                .vendor = vendor_ublox,
                .index_base = 1,
                .sm_total = 255, .me_total = 255, .sr_total = 50,
                .unknown_cme = true,
                .has_eps = true,
        },
        {
                .id = "telit-le910",
                .description = "Telit LE910C1-EU (LTE Cat-1, USB)",
                .manufacturer = "Telit",
                .model = "LE910C1-EU",
                .revision = "25.21.660",
                .cgmr_prefix = "",
                .ati = "Telit",
                .gcap = "+GCAP: +CGSM,+DS,+FCLASS,+MS",
                .imei = "351234560000101",
                .imsi = "001010000000010",
                .iccid = "8901010000000000108",
                .pin_ready_urcs = "+CPIN: READY\n#QSS: 1",
                .memfull_urc = "+CIEV: 7,1",
                .cnmi_default = "0,0,0,0,0",
                .vendor = vendor_telit,
                .index_base = 1,
                .sm_total = 255, .me_total = 255, .sr_total = 50,
                .unknown_cme = true,
                .has_eps = true,
        },
        {
                .id = "generic",
                .description = "an unknown vendor speaking only 3GPP TS 27.007/27.005",
                .manufacturer = "ACME Wireless",
                .model = "AW-100",
                .revision = "1.0.0",
                .cgmr_prefix = "",
                .ati = "ACME Wireless AW-100",
                .gcap = "+GCAP: +CGSM",
                .imei = "351234560000119",
                .imsi = "001010000000011",
                .iccid = "8901010000000000116",
                .pin_ready_urcs = "",
                .memfull_urc = "+CIEV: 7,1",
                .cnmi_default = "0,0,0,0,0",
                .vendor = vendor_none,
                .index_base = 1,
                .sm_total = 255, .me_total = 255, .sr_total = 50,
                .has_eps = true,
        },
        {
                .id = "silent",
                .description = "a port that never answers (probe timeouts)",
                .manufacturer = "",
                .model = "",
                .revision = "",
                .cgmr_prefix = "",
                .ati = "",
                .gcap = "",
                .imei = "351234560000127",
                .imsi = "001010000000012",
                .iccid = "8901010000000000124",
                .pin_ready_urcs = "",
                .memfull_urc = "",
                .cnmi_default = "0,0,0,0,0",
                .vendor = vendor_none,
                .index_base = 1,
                .sm_total = 10, .me_total = 10, .sr_total = 10,
                .silent = true,
        },
};

const SimProfile *sim_profile_find(const char *id) {
        if (!id)
                return NULL;
        for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
                if (strcasecmp(profiles[i].id, id) == 0)
                        return &profiles[i];
        return NULL;
}

size_t sim_profile_count(void) {
        return sizeof(profiles) / sizeof(profiles[0]);
}

const SimProfile *sim_profile_get(size_t i) {
        return i < sim_profile_count() ? &profiles[i] : NULL;
}
