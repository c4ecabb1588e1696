"""The demo guide: the articles a site-support desk writes first (procedure 000: publishing
news on the WordPress sites, importing contacts into Mailpoet, accounts named
``prenomnom``, the "?" button and the response times), with the support leaflet in PDF.
Loading twice changes nothing; an article edited since is left as it is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from comptoir.kb import services
from comptoir.kb.models import Article, Category

if TYPE_CHECKING:
    from comptoir.accounts.models import Organisation

PUBLIC = Article.Visibility.PUBLIC
SIGNED_IN = Article.Visibility.SIGNED_IN
CHOSEN = Article.Visibility.ORGANISATIONS

CATEGORIES = [
    ("publier", "Publier sur votre site", "Publishing on your site", "Actualités, pages, images."),
    ("mailpoet", "Lettre d'information (Mailpoet)", "Newsletter (Mailpoet)", "Contacts, listes et envois."),
    ("comptes", "Comptes et accès", "Accounts and access", "Utilisateurs, droits, mots de passe."),
    ("assistance", "L'assistance", "Getting help", "Ouvrir un ticket, délais, forfait."),
]

ARTICLES: list[dict[str, object]] = [
    {
        "slug": "ajouter-une-actualite",
        "category": "publier",
        "visibility": PUBLIC,
        "title_fr": "Ajouter une actualité",
        "body_fr": (
            "Une actualité apparaît en page d'accueil de votre site et dans la rubrique *Actualités*.\n\n"
            "1. Connectez-vous au back office de votre site.\n"
            "2. Dans la barre latérale gauche, ouvrez **Articles › Ajouter**.\n"
            "3. Saisissez le titre et le texte ; ajoutez une image mise en avant (colonne de droite).\n"
            "4. Cochez la catégorie **Actualités**.\n"
            "5. Cliquez sur **Publier** (ou **Planifier** pour une date à venir).\n\n"
            "L'actualité n'apparaît pas ? Videz le cache de votre navigateur (Ctrl+Maj+R)."
        ),
        "title_en": "Add a news item",
        "body_en": (
            "A news item shows on your site's home page and in the *News* section.\n\n"
            "1. Sign in to your site's back office.\n"
            "2. In the left sidebar, open **Posts › Add New**.\n"
            "3. Type the title and the text; add a featured image (right-hand column).\n"
            "4. Tick the **News** category.\n"
            "5. Click **Publish** (or **Schedule** for a later date).\n\n"
            "Not showing? Clear your browser's cache (Ctrl+Shift+R)."
        ),
    },
    {
        "slug": "inserer-une-image",
        "category": "publier",
        "visibility": PUBLIC,
        "title_fr": "Insérer une image dans une page",
        "body_fr": (
            "Dans l'éditeur, cliquez sur **+** puis choisissez le bloc **Image**. Téléversez le fichier "
            "(JPEG ou PNG, 2 Mo au plus) ou choisissez-le dans la médiathèque.\n\n"
            "Pensez au **texte alternatif** : il décrit l'image aux personnes malvoyantes."
        ),
        "title_en": "Insert an image in a page",
        "body_en": (
            "In the editor, click **+** and choose the **Image** block. Upload the file (JPEG or PNG, "
            "2 MB at most) or pick it from the media library.\n\n"
            "Remember the **alternative text**: it describes the image to visually impaired people."
        ),
    },
    {
        "slug": "importer-des-contacts-dans-mailpoet",
        "category": "mailpoet",
        "visibility": SIGNED_IN,
        "title_fr": "Importer des contacts dans Mailpoet",
        "body_fr": (
            "Mailpoet est disponible sur tous les sites associés de paroisses, mouvements "
            "et associations.\n\n"
            "1. Préparez un fichier **CSV** (ou copiez les lignes d'un tableur) avec une colonne "
            "« adresse e-mail », et si possible « prénom » et « nom ».\n"
            "2. Dans le back office, ouvrez **Mailpoet › Abonnés › Importer**.\n"
            "3. Choisissez le fichier, puis associez chaque colonne à un champ.\n"
            "4. Choisissez la **liste** de destination (par exemple « Lettre paroissiale »).\n"
            "5. Confirmez que ces personnes ont accepté de recevoir vos mails.\n\n"
            "Les adresses déjà présentes ne sont pas dupliquées."
        ),
        "title_en": "Import contacts into Mailpoet",
        "body_en": (
            '1. Prepare a **CSV** file (or copy rows from a spreadsheet) with an "e-mail address" '
            'column, and if possible "first name" and "last name".\n'
            "2. In the back office, open **MailPoet › Subscribers › Import**.\n"
            "3. Choose the file, then match each column to a field.\n"
            '4. Choose the destination **list** (for instance "Parish newsletter").\n'
            "5. Confirm that these people agreed to receive your e-mails.\n\n"
            "Addresses already present are not duplicated."
        ),
    },
    {
        "slug": "creer-un-mail-avec-mailpoet",
        "category": "mailpoet",
        "visibility": SIGNED_IN,
        "title_fr": "Créer et envoyer un mail avec Mailpoet",
        "body_fr": (
            "Ouvrez **Mailpoet › E-mails › Nouvel e-mail**, choisissez **Newsletter** puis un modèle. "
            "Glissez les blocs (texte, image, bouton), puis **Suivant** : choisissez la liste, "
            "l'objet et l'expéditeur. Envoyez-vous d'abord un **aperçu** avant l'envoi."
        ),
    },
    {
        "slug": "creer-un-compte-utilisateur",
        "category": "comptes",
        "visibility": CHOSEN,
        "title_fr": "Créer le compte d'un nouvel utilisateur",
        "body_fr": (
            "Chaque personne dispose de son **propre compte**. La gestion des comptes se fait par "
            "l'administrateur du site, dans la barre latérale gauche : **Comptes**.\n\n"
            "- Identifiant : **prenomnom** (sans point ni accent : `mariedupont`).\n"
            "- Le mail d'invitation part à l'adresse de la personne : qu'elle vérifie ses spams.\n"
            "- C'est à l'administrateur du site de donner les droits (rédacteur, éditeur…)."
        ),
        "title_en": "Create an account for a new user",
        "body_en": (
            "Everyone has their **own account**. The site's administrator manages accounts from the "
            "left sidebar: **Accounts**.\n\n"
            "- Login: **firstnamelastname** (no dot, no accent: `mariedupont`).\n"
            "- The invitation goes to the person's address: they should check their spam folder.\n"
            "- The site's administrator grants the rights (author, editor…)."
        ),
    },
    {
        "slug": "mot-de-passe-oublie",
        "category": "comptes",
        "visibility": PUBLIC,
        "title_fr": "Mot de passe du back office oublié",
        "body_fr": (
            "Sur la page de connexion du back office, cliquez sur **Mot de passe oublié ?** et "
            "saisissez votre identifiant ou votre adresse e-mail. Le lien reçu est valable 24 heures. "
            "Rien reçu ? Vérifiez vos spams, puis demandez à l'administrateur de votre site."
        ),
        "title_en": "Forgot your back-office password",
        "body_en": (
            "On the back office's sign-in page, click **Lost your password?** and type your login or "
            "e-mail address. The link you receive is valid for 24 hours. Nothing received? Check your "
            "spam folder, then ask your site's administrator."
        ),
    },
    {
        "slug": "ouvrir-un-ticket",
        "category": "assistance",
        "visibility": PUBLIC,
        "title_fr": "Ouvrir un ticket depuis le point d'interrogation",
        "body_fr": (
            "Une fois connecté au back office de votre site, cliquez sur le **point d'interrogation** "
            "en bas à droite de l'écran (sa couleur diffère selon les sites). Il est visible aussi sur "
            "les pages de votre site quand vous êtes connecté.\n\n"
            "Avant d'ouvrir un ticket, vérifiez que la réponse ne se trouve pas dans ce guide : le "
            "forfait comprend **20 tickets par mois**. Un sujet par ticket."
        ),
        "title_en": "Open a ticket from the question mark",
        "body_en": (
            "Once signed in to your site's back office, click the **question mark** at the bottom "
            "right of the screen (its colour depends on the site). It also shows on your site's pages "
            "while you are signed in.\n\n"
            "Before opening a ticket, check whether this guide already answers: the contract includes "
            "**20 tickets a month**. One subject per ticket."
        ),
        "attachment": ("assistance-sites-associes.pdf", "Les infos sur l'assistance (PDF)"),
    },
    {
        "slug": "delais-de-l-assistance",
        "category": "assistance",
        "visibility": CHOSEN,
        "title_fr": "Délais de l'assistance",
        "body_fr": (
            "| Étape | Délai |\n| --- | --- |\n"
            "| Confirmation de réception | 1 heure ouvrée |\n"
            "| Prise en charge par un agent | 4 heures ouvrées |\n"
            "| Résolution | 2 jours ouvrés |\n"
            "| Anomalie : qualification et transmission à l'équipe projet | 5 heures ouvrées |\n\n"
            "Heures ouvrées : **9 h 30 – 17 h 00 du lundi au vendredi**. Un ticket envoyé en dehors "
            "compte comme reçu à 9 h 30 le jour ouvré suivant."
        ),
        "title_en": "Support response times",
        "body_en": (
            "| Step | Time |\n| --- | --- |\n"
            "| Acknowledgement | 1 business hour |\n"
            "| Picked up by an agent | 4 business hours |\n"
            "| Resolution | 2 business days |\n"
            "| Anomaly: qualified and handed to the project team | 5 business hours |\n\n"
            "Business hours: **9:30 – 17:00, Monday to Friday**. A ticket sent outside them counts as "
            "received at 9:30 on the next business day."
        ),
    },
]

LEAFLET = [
    "Assistance des sites associes",
    "Bouton ? en bas a droite du back office : ouvrir un ticket.",
    "Forfait : 20 tickets par mois. Verifier d'abord le guide.",
    "Niveau 1 : Pole maintenance. Niveau 2 : Service communication.",
    "Heures ouvrees : 9h30 - 17h00 du lundi au vendredi.",
]


def leaflet_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with ``lines`` (ASCII) in Helvetica: the demo's downloadable guide."""
    text = "BT /F1 12 Tf 56 780 Td 16 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines
    )
    stream = (text + " ET").encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def load(*, organisations: list[Organisation]) -> list[Article]:
    """The demo guide; articles for chosen organisations are shown to ``organisations``."""
    categories = {}
    for position, (slug, name_fr, name_en, description_fr) in enumerate(CATEGORIES):
        categories[slug] = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_fr": name_fr,
                "name_en": name_en,
                "description_fr": description_fr,
                "position": position,
            },
        )[0]
    written = []
    for position, spec in enumerate(ARTICLES):
        fields = dict(spec)
        slug = str(fields.pop("slug"))
        attachment = fields.pop("attachment", None)
        if Article.objects.filter(slug=slug).exists():
            continue
        fields["category"] = categories[str(fields["category"])]
        article = services.save_article(
            Article(slug=slug, status=Article.Status.PUBLISHED, position=position, **fields)
        )
        if article.visibility == CHOSEN:
            article.organisations.set(organisations)
        if attachment:
            filename, label = attachment  # type: ignore[misc]
            services.add_attachment(article, filename=filename, content=leaflet_pdf(LEAFLET), label=label)
        written.append(article)
    return written
