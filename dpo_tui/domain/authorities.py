"""Supervisory authorities per regime, as data (issue 15; rights-requests.md 4: "never the ICO for a non-UK case").

- uk-gdpr: the Information Commissioner's Office (UK GDPR Art 77; DPA 2018 s.165). The organisation's settings may
  give its own contact details ([organisation.supervisory_authority]); they are used for uk-gdpr cases only.
- eu-gdpr: the authority of the person's member state (GDPR Art 77(1): habitual residence, place of work or place of
  the alleged infringement), from the case's member state (see dpo_tui.domain.jurisdiction). The list is that of
  the EDPB's members (https://www.edpb.europa.eu/about-edpb/about-edpb/members_en) and the EEA EFTA authorities.
  Germany: the federal commissioner (BfDI) is listed; for a company the authority of the Land is competent, and a
  complaint lodged with any German authority is passed on (BDSG s.19) - the `note` says so.
- ccpa: the California Privacy Protection Agency (Civ. Code 1798.199.10 et seq., sworn complaints 1798.199.45)
  and the Attorney General (1798.155; enforcement of the CCPA).

Addresses change: check them against the authority's own website before relying on a letter (`dpo-tui config`
shows them). A user may override any entry in the settings' organisation profile for its own regime.
"""

from __future__ import annotations

from dataclasses import dataclass

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.jurisdiction import EEA_STATES, member_state_name


@dataclass(frozen=True)
class SupervisoryAuthority:
    name: str
    website: str
    address: str = ""
    phone: str = ""
    country: str = ""  # ISO code of the state it supervises (US-CA for California)
    note: str = ""  # e.g. Germany's Länder authorities
    also: str = ""  # a second body the person may turn to (CCPA: the Attorney General)


ICO = SupervisoryAuthority(
    name="Information Commissioner's Office",
    website="https://ico.org.uk/make-a-complaint/",
    address="Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF",
    phone="0303 123 1113",
    country="GB",
)

CPPA = SupervisoryAuthority(
    name="California Privacy Protection Agency",
    website="https://cppa.ca.gov/webapplications/complaint",
    address="2101 Arena Blvd, Sacramento, CA 95834",
    country="US-CA",
    also="the California Attorney General (https://oag.ca.gov/privacy/ccpa)",
)

# GDPR Art 51 authorities of the EU member states and EEA EFTA states (EDPB members), keyed by ISO code.
EEA_AUTHORITIES: dict[str, SupervisoryAuthority] = {
    a.country: a
    for a in (
        SupervisoryAuthority("Österreichische Datenschutzbehörde (Austrian Data Protection Authority)", "https://www.dsb.gv.at", "Barichgasse 40-42, 1030 Wien", country="AT"),
        SupervisoryAuthority("Autorité de protection des données / Gegevensbeschermingsautoriteit (Belgian Data Protection Authority)", "https://www.dataprotectionauthority.be", "Rue de la Presse 35, 1000 Bruxelles", country="BE"),
        SupervisoryAuthority("Commission for Personal Data Protection (Bulgaria)", "https://www.cpdp.bg", "2 Prof. Tsvetan Lazarov Blvd, 1592 Sofia", country="BG"),
        SupervisoryAuthority("Agencija za zaštitu osobnih podataka (Croatian Personal Data Protection Agency)", "https://azop.hr", "Selska cesta 136, 10000 Zagreb", country="HR"),
        SupervisoryAuthority("Commissioner for Personal Data Protection (Cyprus)", "https://www.dataprotection.gov.cy", "Iasonos 1, 1082 Nicosia", country="CY"),
        SupervisoryAuthority("Úřad pro ochranu osobních údajů (Czech Office for Personal Data Protection)", "https://uoou.gov.cz", "Pplk. Sochora 27, 170 00 Praha 7", country="CZ"),
        SupervisoryAuthority("Datatilsynet (Danish Data Protection Agency)", "https://www.datatilsynet.dk", "Carl Jacobsens Vej 35, 2500 Valby", country="DK"),
        SupervisoryAuthority("Andmekaitse Inspektsioon (Estonian Data Protection Inspectorate)", "https://www.aki.ee", "Tatari 39, 10134 Tallinn", country="EE"),
        SupervisoryAuthority("Tietosuojavaltuutetun toimisto (Office of the Data Protection Ombudsman, Finland)", "https://tietosuoja.fi", "Lintulahdenkuja 4, 00530 Helsinki", country="FI"),
        SupervisoryAuthority("Commission Nationale de l'Informatique et des Libertés (CNIL)", "https://www.cnil.fr", "3 Place de Fontenoy, TSA 80715, 75334 Paris Cedex 07", country="FR"),
        SupervisoryAuthority(
            "Der Bundesbeauftragte für den Datenschutz und die Informationsfreiheit (BfDI)", "https://www.bfdi.bund.de",
            "Graurheindorfer Str. 153, 53117 Bonn", country="DE",
            note="For a company the data protection authority of the German Land (state) where it is established is "
                 "competent; a complaint lodged with any German authority is passed on to it.",
        ),
        SupervisoryAuthority("Hellenic Data Protection Authority", "https://www.dpa.gr", "Kifisias 1-3, 115 23 Athens", country="GR"),
        SupervisoryAuthority("Nemzeti Adatvédelmi és Információszabadság Hatóság (NAIH, Hungary)", "https://naih.hu", "Falk Miksa utca 9-11, 1055 Budapest", country="HU"),
        SupervisoryAuthority("Data Protection Commission (Ireland)", "https://www.dataprotection.ie", "21 Fitzwilliam Square South, Dublin 2, D02 RD28", country="IE"),
        SupervisoryAuthority("Garante per la protezione dei dati personali (Italy)", "https://www.garanteprivacy.it", "Piazza Venezia 11, 00187 Roma", country="IT"),
        SupervisoryAuthority("Datu valsts inspekcija (Data State Inspectorate, Latvia)", "https://www.dvi.gov.lv", "Elijas iela 17, Rīga, LV-1050", country="LV"),
        SupervisoryAuthority("Valstybinė duomenų apsaugos inspekcija (State Data Protection Inspectorate, Lithuania)", "https://vdai.lrv.lt", "L. Sapiegos g. 17, 10312 Vilnius", country="LT"),
        SupervisoryAuthority("Commission nationale pour la protection des données (CNPD, Luxembourg)", "https://cnpd.public.lu", "15, Boulevard du Jazz, L-4370 Belvaux", country="LU"),
        SupervisoryAuthority("Information and Data Protection Commissioner (Malta)", "https://idpc.org.mt", "Floor 2, Airways House, Triq Il-Kbira, Tas-Sliema SLM 1549", country="MT"),
        SupervisoryAuthority("Autoriteit Persoonsgegevens (Dutch Data Protection Authority)", "https://www.autoriteitpersoonsgegevens.nl", "Postbus 93374, 2509 AJ Den Haag", country="NL"),
        SupervisoryAuthority("Urząd Ochrony Danych Osobowych (UODO, Poland)", "https://uodo.gov.pl", "ul. Stawki 2, 00-193 Warszawa", country="PL"),
        SupervisoryAuthority("Comissão Nacional de Proteção de Dados (CNPD, Portugal)", "https://www.cnpd.pt", "Av. D. Carlos I, 134, 1º, 1200-651 Lisboa", country="PT"),
        SupervisoryAuthority("Autoritatea Națională de Supraveghere a Prelucrării Datelor cu Caracter Personal (ANSPDCP, Romania)", "https://www.dataprotection.ro", "B-dul Gen. Gheorghe Magheru 28-30, Sector 1, 010336 București", country="RO"),
        SupervisoryAuthority("Úrad na ochranu osobných údajov Slovenskej republiky (Slovak Office for Personal Data Protection)", "https://dataprotection.gov.sk", "Hraničná 12, 820 07 Bratislava 27", country="SK"),
        SupervisoryAuthority("Informacijski pooblaščenec (Information Commissioner, Slovenia)", "https://www.ip-rs.si", "Dunajska cesta 22, 1000 Ljubljana", country="SI"),
        SupervisoryAuthority("Agencia Española de Protección de Datos (AEPD)", "https://www.aepd.es", "C/ Jorge Juan 6, 28001 Madrid", country="ES"),
        SupervisoryAuthority("Integritetsskyddsmyndigheten (IMY, Swedish Authority for Privacy Protection)", "https://www.imy.se", "Box 8114, 104 20 Stockholm", country="SE"),
        SupervisoryAuthority("Persónuvernd (Icelandic Data Protection Authority)", "https://www.personuvernd.is", "Laugavegur 166, 105 Reykjavík", country="IS"),
        SupervisoryAuthority("Datenschutzstelle Liechtenstein", "https://www.datenschutzstelle.li", "Städtle 38, 9490 Vaduz", country="LI"),
        SupervisoryAuthority("Datatilsynet (Norwegian Data Protection Authority)", "https://www.datatilsynet.no", "Postboks 458 Sentrum, 0105 Oslo", country="NO"),
    )
}  # fmt: skip

assert set(EEA_AUTHORITIES) == set(EEA_STATES), "every EU/EEA state needs its authority"


def authority_for(regime: str, country: str | None, org_authority: object | None = None, org_regime: str = "") -> SupervisoryAuthority:
    """The authority a case's letters name. `country` is the case's calendar country (eu-gdpr: its member state);
    `org_authority` (settings) is used only where the organisation's own regime is the case's and it is uk-gdpr or
    the case's member state's (so an EU case of a UK organisation never names the ICO)."""
    if regime == "eu-gdpr":
        code = (country or "").upper()
        if code not in EEA_AUTHORITIES:
            raise InvalidInput(
                f"member state: {code or 'none'} is not an EU/EEA member state; an eu-gdpr case needs one to name its "
                "supervisory authority (GDPR Art 77)"
            )
        return EEA_AUTHORITIES[code]
    if regime == "ccpa":
        return CPPA
    if regime == "uk-gdpr":
        if org_authority is not None and org_regime == "uk-gdpr" and getattr(org_authority, "name", ""):
            return SupervisoryAuthority(
                name=str(getattr(org_authority, "name")), website=str(getattr(org_authority, "website", "") or ""),
                address=str(getattr(org_authority, "address", "") or ""), phone=str(getattr(org_authority, "phone", "") or ""),
                country="GB",
            )  # fmt: skip
        return ICO
    # A user regime (e.g. PIPEDA): the organisation's own authority is the only one we know.
    if org_authority is not None and getattr(org_authority, "name", ""):
        return SupervisoryAuthority(
            name=str(getattr(org_authority, "name")), website=str(getattr(org_authority, "website", "") or ""),
            address=str(getattr(org_authority, "address", "") or ""), phone=str(getattr(org_authority, "phone", "") or ""),
        )  # fmt: skip
    raise InvalidInput(f"no supervisory authority is known for regime {regime!r}: set one in the settings")


def member_state_of(authority: SupervisoryAuthority) -> str:
    return member_state_name(authority.country) if authority.country in EEA_STATES else authority.country
